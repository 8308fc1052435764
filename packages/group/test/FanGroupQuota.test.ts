import { type DouyinError, DouyinTest, type Endpoint } from "@effect-douyin/core"
import { describe, expect, expectTypeOf, it } from "@effect/vitest"
import { Effect, Layer } from "effect"
import { FanGroupQuota } from "../src/index.js"
import * as fixtures from "./fixtures.js"
import { expectRequest } from "./helpers.js"

const layer = (responder: DouyinTest.Responder, path?: string) =>
  (path === undefined ? FanGroupQuota.layer : FanGroupQuota.layerWithPath(path)).pipe(
    Layer.provideMerge(DouyinTest.layerClient(responder))
  )

describe("FanGroupQuota", () => {
  it("remaining is exactly Endpoint.Handler<typeof descriptor>; errors DouyinError.ReadError; R only FanGroupQuota", () => {
    expectTypeOf<FanGroupQuota.Service["remaining"]>().toEqualTypeOf<Endpoint.Handler<typeof FanGroupQuota.descriptor>>()
    expectTypeOf<FanGroupQuota.Error>().toEqualTypeOf<DouyinError.ReadError>()
    expectTypeOf(FanGroupQuota.remaining).parameters.toEqualTypeOf<[FanGroupQuota.Input]>()
    expectTypeOf<Effect.Effect.Context<ReturnType<typeof FanGroupQuota.remaining>>>().toEqualTypeOf<FanGroupQuota.FanGroupQuota>()
  })

  it.effect("GET /im/group/count/ with open_id and decodes the recorded sample", () =>
    Effect.gen(function*() {
      const result = yield* FanGroupQuota.remaining({ openId: "op-1" })
      expect(result).toStrictEqual({ leftCount: 2 })
      const requests = yield* DouyinTest.requests
      expect(requests).toHaveLength(1)
      expectRequest(requests[0], { method: "GET", path: "/im/group/count/", query: { open_id: "op-1" }, body: undefined })
    }).pipe(Effect.provide(layer({ "GET /im/group/count/": DouyinTest.json(fixtures.countResponse) }))))

  it.effect("the path is overridable", () =>
    Effect.gen(function*() {
      expect(yield* FanGroupQuota.remaining({ openId: "op-1" })).toStrictEqual({ leftCount: 2 })
      const [request] = yield* DouyinTest.requests
      expectRequest(request, { method: "GET", path: "/im/group/fans/count/", query: { open_id: "op-1" }, body: undefined })
    }).pipe(
      Effect.provide(layer({ "GET /im/group/fans/count/": DouyinTest.json(fixtures.countResponse) }, "/im/group/fans/count/"))
    ))

  it.effect("2190004 (app lacks capability) → DouyinPermissionError with the logid", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(FanGroupQuota.remaining({ openId: "op-1" }))
      expect(error._tag).toBe("DouyinPermissionError")
      if (error._tag !== "DouyinPermissionError") return
      expect(error.code).toBe(2190004)
      expect(error.endpoint).toBe("group/FanGroupQuota")
      expect(error.logId).toBe("log-quota-1")
    }).pipe(Effect.provide(layer([DouyinTest.errorA(2190004, "app lacks capability", "log-quota-1")]))))

  it.effect("an empty open_id → DouyinInvalidInput, nothing sent", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(FanGroupQuota.remaining({ openId: " " }))
      expect(error._tag).toBe("DouyinInvalidInput")
      expect(yield* DouyinTest.requests).toHaveLength(0)
    }).pipe(Effect.provide(layer([DouyinTest.json(fixtures.countResponse)]))))
})
