import { type DouyinError, DouyinTest, type Endpoint } from "@effect-douyin/core"
import { describe, expect, expectTypeOf, it } from "@effect/vitest"
import { Chunk, Effect, Layer, Stream } from "effect"
import { ListEntryApplications } from "../src/index.js"
import * as fixtures from "./fixtures.js"
import { expectRequest } from "./helpers.js"

const layer = (responder: DouyinTest.Responder) => ListEntryApplications.layer.pipe(Layer.provideMerge(DouyinTest.layerClient(responder)))

const application = (n: number) => ({
  apply_id: `@apply-${n}`,
  group_id: "@group==",
  user_id: `user-${n}`,
  apply_status: 1,
  create_time: 1676874310000 + n
})

const page = (cursor: number, hasMore: boolean, ids: ReadonlyArray<number>) =>
  DouyinTest.successA({ apply_list: { cursor, has_more: hasMore, list: ids.map(application) } })

describe("ListEntryApplications", () => {
  it("list is exactly Endpoint.Handler<typeof descriptor>; errors DouyinError.ReadError; R only ListEntryApplications", () => {
    expectTypeOf<ListEntryApplications.Service["list"]>().toEqualTypeOf<Endpoint.Handler<typeof ListEntryApplications.descriptor>>()
    expectTypeOf<ListEntryApplications.Error>().toEqualTypeOf<DouyinError.ReadError>()
    expectTypeOf(ListEntryApplications.list).parameters.toEqualTypeOf<[ListEntryApplications.Input]>()
    expectTypeOf<Effect.Effect.Context<ReturnType<typeof ListEntryApplications.list>>>().toEqualTypeOf<
      ListEntryApplications.ListEntryApplications
    >()
  })

  it.effect("GET /im/group/enter/audit/get/ with open_id, count, cursor in the query; decodes the recorded sample", () =>
    Effect.gen(function*() {
      const result = yield* ListEntryApplications.list({ openId: "op-1", count: 10, cursor: 0 })
      expect(result).toStrictEqual({
        cursor: 1,
        hasMore: false,
        applications: [
          {
            applyId: "@9VwNxuKKBZ03MXG7M8ooWM7912XrPPqCOJdzqQ6lL1kVbfX760zdRmYqig357zEB84GwkVBjbo2eCWCq4V****==",
            groupId: "@9VwNxuKKBZ03MXG7M8ooWM7912XrPPmLO5dyrAOnK1UTZ/T/60zdRmYqig357zEBdsFiI4euKz5E1pivD****==",
            userId: "29d2f583-7fd6-4daa-b1d4-cfab5c05079Q",
            applyStatus: "pending",
            createTime: 1676874310259
          }
        ]
      })
      const requests = yield* DouyinTest.requests
      expect(requests).toHaveLength(1)
      expectRequest(requests[0], {
        method: "GET",
        path: "/im/group/enter/audit/get/",
        query: { open_id: "op-1", count: "10", cursor: "0" },
        body: undefined
      })
    }).pipe(Effect.provide(layer({ "GET /im/group/enter/audit/get/": DouyinTest.json(fixtures.auditListResponse) }))))

  it.effect("without a cursor: no cursor query parameter; statuses 2/3 and unknown codes decode", () =>
    Effect.gen(function*() {
      const result = yield* ListEntryApplications.list({ openId: "op-1", count: 50 })
      expect(result.applications.map((a) => a.applyStatus)).toStrictEqual(["approved", "rejected", 9])
      const [request] = yield* DouyinTest.requests
      expect(request!.query).toStrictEqual({ open_id: "op-1", count: "50" })
    }).pipe(Effect.provide(layer([
      DouyinTest.successA({
        apply_list: {
          cursor: 3,
          has_more: false,
          list: [2, 3, 9].map((status, i) => ({ ...application(i), apply_status: status }))
        }
      })
    ]))))

  it.effect("a null list is an empty page", () =>
    Effect.gen(function*() {
      expect(yield* ListEntryApplications.list({ openId: "op-1", count: 5 })).toStrictEqual({
        cursor: 0,
        hasMore: false,
        applications: []
      })
    }).pipe(Effect.provide(layer([DouyinTest.successA({ apply_list: { cursor: 0, has_more: false, list: null } })]))))

  it.effect("2100005 → DouyinInvalidParams with the logid", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(ListEntryApplications.list({ openId: "op-1", count: 10 }))
      expect(error._tag).toBe("DouyinInvalidParams")
      if (error._tag !== "DouyinInvalidParams") return
      expect(error.code).toBe(2100005)
      expect(error.logId).toBe("log-audit-1")
    }).pipe(Effect.provide(layer([DouyinTest.errorA(2100005, "参数不合法", "log-audit-1")]))))

  it.effect("page size outside 1..50, a fractional size or a negative cursor → DouyinInvalidInput, nothing sent", () =>
    Effect.gen(function*() {
      for (
        const bad of [
          { openId: "op-1", count: 0 },
          { openId: "op-1", count: 51 },
          { openId: "op-1", count: -1 },
          { openId: "op-1", count: 1.5 },
          { openId: "op-1", count: 10, cursor: -1 },
          { openId: "", count: 10 }
        ]
      ) {
        const error = yield* Effect.flip(ListEntryApplications.list(bad))
        expect(error._tag).toBe("DouyinInvalidInput")
      }
      const streamed = yield* Effect.flip(Stream.runCollect(ListEntryApplications.stream({ openId: "op-1", count: 0 })))
      expect(streamed._tag).toBe("DouyinInvalidInput")
      expect(yield* DouyinTest.requests).toHaveLength(0)
    }).pipe(Effect.provide(layer([DouyinTest.json(fixtures.auditListResponse)]))))

  it.effect("stream walks 3 pages following cursor and stops on has_more false", () =>
    Effect.gen(function*() {
      const all = yield* Stream.runCollect(ListEntryApplications.stream({ openId: "op-1", count: 2 }))
      expect(Chunk.toReadonlyArray(all).map((a) => a.applyId)).toStrictEqual([
        "@apply-1",
        "@apply-2",
        "@apply-3",
        "@apply-4",
        "@apply-5"
      ])
      const requests = yield* DouyinTest.requests
      expect(requests.map((r) => r.query)).toStrictEqual([
        { open_id: "op-1", count: "2" },
        { open_id: "op-1", count: "2", cursor: "2" },
        { open_id: "op-1", count: "2", cursor: "4" }
      ])
    }).pipe(Effect.provide(layer((request) => {
      switch (request.query.cursor) {
        case undefined:
          return page(2, true, [1, 2])
        case "2":
          return page(4, true, [3, 4])
        case "4":
          return page(5, false, [5])
        default:
          return DouyinTest.errorA(2100005)
      }
    }))))

  it.effect("stream is lazy: taking the first page's items fetches one page", () =>
    Effect.gen(function*() {
      const first = yield* Stream.runCollect(
        Stream.take(ListEntryApplications.stream({ openId: "op-1", count: 2, cursor: 7 }), 2)
      )
      expect(Chunk.size(first)).toBe(2)
      const requests = yield* DouyinTest.requests
      expect(requests.map((r) => r.query)).toStrictEqual([{ open_id: "op-1", count: "2", cursor: "7" }])
    }).pipe(Effect.provide(layer([page(9, true, [1, 2]), page(11, true, [3, 4])]))))

  it.effect("stream stops when has_more comes back with the same cursor (no endless loop)", () =>
    Effect.gen(function*() {
      const all = yield* Stream.runCollect(ListEntryApplications.stream({ openId: "op-1" }))
      expect(Chunk.size(all)).toBe(3)
      const requests = yield* DouyinTest.requests
      expect(requests.map((r) => r.query)).toStrictEqual([
        { open_id: "op-1", count: "50" },
        { open_id: "op-1", count: "50", cursor: "3" }
      ])
    }).pipe(Effect.provide(layer([page(3, true, [1, 2]), page(3, true, [3])]))))

  it.effect("stream: a first page (no cursor sent: cursor 0) answered with cursor 0 and has_more is the last one", () =>
    Effect.gen(function*() {
      const all = yield* Stream.runCollect(ListEntryApplications.stream({ openId: "op-1" }))
      // Asking for cursor 0 again would return the same page: its items twice.
      expect(Chunk.toReadonlyArray(all).map((a) => a.applyId)).toStrictEqual(["@apply-1", "@apply-2"])
      expect((yield* DouyinTest.requests).map((r) => r.query)).toStrictEqual([{ open_id: "op-1", count: "50" }])
    }).pipe(Effect.provide(layer([page(0, true, [1, 2]), page(0, true, [1, 2])]))))

  it.effect("stream fails with the typed error of a failing page", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(Stream.runCollect(ListEntryApplications.stream({ openId: "op-1" })))
      expect(error._tag).toBe("DouyinPermissionError")
      expect(yield* DouyinTest.requests).toHaveLength(2)
    }).pipe(Effect.provide(layer([page(3, true, [1, 2]), DouyinTest.errorA(2100007)]))))
})
