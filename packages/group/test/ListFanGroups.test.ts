import { type DouyinError, DouyinTest, type Endpoint } from "@effect-douyin/core"
import { describe, expect, expectTypeOf, it } from "@effect/vitest"
import { Effect, Layer, Schema } from "effect"
import { FanGroup, ListFanGroups } from "../src/index.js"
import * as fixtures from "./fixtures.js"
import { expectRequest } from "./helpers.js"

const layer = (responder: DouyinTest.Responder) => ListFanGroups.layer.pipe(Layer.provideMerge(DouyinTest.layerClient(responder)))

describe("ListFanGroups", () => {
  it("list is exactly Endpoint.Handler<typeof descriptor>; errors DouyinError.ReadError; R only ListFanGroups", () => {
    expectTypeOf<ListFanGroups.Service["list"]>().toEqualTypeOf<Endpoint.Handler<typeof ListFanGroups.descriptor>>()
    expectTypeOf<ListFanGroups.Error>().toEqualTypeOf<DouyinError.ReadError>()
    expectTypeOf(ListFanGroups.list).parameters.toEqualTypeOf<[ListFanGroups.Input]>()
    expectTypeOf<Effect.Effect.Context<ReturnType<typeof ListFanGroups.list>>>().toEqualTypeOf<ListFanGroups.ListFanGroups>()
  })

  it.effect("GET /im/group/fans/list/ with open_id and decodes the recorded sample", () =>
    Effect.gen(function*() {
      const result = yield* ListFanGroups.list({ openId: "op-1" })
      expect(result).toStrictEqual({
        groups: [
          {
            groupId: "@aaaaaa==",
            groupName: "group_name",
            description: "description",
            avatarUri: "avatar_uri",
            status: "Normal",
            entryLimit: [],
            existNum: 1,
            maxNum: 500,
            tags: []
          }
        ]
      })
      const requests = yield* DouyinTest.requests
      expect(requests).toHaveLength(1)
      expectRequest(requests[0], { method: "GET", path: "/im/group/fans/list/", query: { open_id: "op-1" }, body: undefined })
    }).pipe(Effect.provide(layer({ "GET /im/group/fans/list/": DouyinTest.json(fixtures.fansListResponse) }))))

  it.effect("decodes group types and statuses, keeping unknown ones as sent", () =>
    Effect.gen(function*() {
      const { groups } = yield* ListFanGroups.list({ openId: "op-1" })
      expect(groups.map((g) => [g.groupType, g.status])).toStrictEqual([
        ["streamer", "Ban"],
        ["tenThousandFans", "Full"],
        [7, "Frozen"]
      ])
      expect(groups[0]!.entryLimit).toStrictEqual(["万粉"])
      expect(groups[0]!.tags).toStrictEqual(["music"])
    }).pipe(Effect.provide(layer([
      DouyinTest.successA({
        group_list: [
          { group_id: "@a", group_name: "a", group_type: 2, status: "Ban", entry_limit: ["万粉"], tags: ["music"] },
          { group_id: "@b", group_name: "b", group_type: 5, status: "Full" },
          { group_id: "@c", group_name: "c", group_type: 7, status: "Frozen" }
        ]
      })
    ]))))

  it.effect("a null group_list is an empty list", () =>
    Effect.gen(function*() {
      expect(yield* ListFanGroups.list({ openId: "op-1" })).toStrictEqual({ groups: [] })
    }).pipe(Effect.provide(layer([DouyinTest.successA({ group_list: null })]))))

  it("FanGroup encodes back to the wire shape", () => {
    const group = Schema.decodeUnknownSync(FanGroup.FanGroup)(fixtures.fansListResponse.group_list[0])
    expect(Schema.encodeSync(FanGroup.FanGroup)(group)).toStrictEqual({
      ...fixtures.fansListResponse.group_list[0],
      entry_limit: [],
      tags: []
    })
  })

  it.effect("the recorded Shape-A error sample (2100005, extra.log_id) → DouyinInvalidParams with the logid", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(ListFanGroups.list({ openId: "op-1" }))
      expect(error._tag).toBe("DouyinInvalidParams")
      if (error._tag !== "DouyinInvalidParams") return
      expect(error.code).toBe(2100005)
      expect(error.description).toBe("Parameter error")
      expect(error.logId).toBe("2020070614111601022506808001045D59")
      expect(error.message).toContain("2020070614111601022506808001045D59")
    }).pipe(Effect.provide(layer([DouyinTest.json(fixtures.shapeAError)]))))

  it.effect("an empty open_id → DouyinInvalidInput, nothing sent", () =>
    Effect.gen(function*() {
      expect((yield* Effect.flip(ListFanGroups.list({ openId: "" })))._tag).toBe("DouyinInvalidInput")
      expect(yield* DouyinTest.requests).toHaveLength(0)
    }).pipe(Effect.provide(layer([DouyinTest.json(fixtures.fansListResponse)]))))
})
