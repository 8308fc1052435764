import { type DouyinError, DouyinTest, type Endpoint } from "@effect-douyin/core"
import { describe, expect, expectTypeOf, it } from "@effect/vitest"
import { Effect, Layer } from "effect"
import { DisableGroupSetting } from "../src/index.js"
import * as fixtures from "./fixtures.js"
import { expectRequest } from "./helpers.js"

const layer = (responder: DouyinTest.Responder) => DisableGroupSetting.layer.pipe(Layer.provideMerge(DouyinTest.layerClient(responder)))

describe("DisableGroupSetting", () => {
  it("disable is exactly Endpoint.Handler<typeof descriptor>; errors DouyinError.ConvergentError; R only DisableGroupSetting", () => {
    expectTypeOf<DisableGroupSetting.Service["disable"]>().toEqualTypeOf<Endpoint.Handler<typeof DisableGroupSetting.descriptor>>()
    expectTypeOf<DisableGroupSetting.Error>().toEqualTypeOf<DouyinError.ConvergentError>()
    expectTypeOf(DisableGroupSetting.disable).parameters.toEqualTypeOf<[DisableGroupSetting.Input]>()
    expectTypeOf<Effect.Effect.Context<ReturnType<typeof DisableGroupSetting.disable>>>().toEqualTypeOf<
      DisableGroupSetting.DisableGroupSetting
    >()
  })

  it.effect("POST /im/group/setting/disable/ with group_id and group_setting_type; envelope-B success", () =>
    Effect.gen(function*() {
      const result = yield* DisableGroupSetting.disable({ openId: "op-1", groupId: "@g==", settingType: "welcome" })
      expect(result).toBeUndefined()
      yield* DisableGroupSetting.disable({ openId: "op-1", groupId: "@g==", settingType: "notice" })
      const requests = yield* DouyinTest.requests
      expect(requests).toHaveLength(2)
      expectRequest(requests[0], {
        method: "POST",
        path: "/im/group/setting/disable/",
        query: { open_id: "op-1" },
        body: { group_id: "@g==", group_setting_type: 1 }
      })
      expect(requests[1]!.body).toStrictEqual({ group_id: "@g==", group_setting_type: 2 })
    }).pipe(
      Effect.provide(layer({ "POST /im/group/setting/disable/": DouyinTest.json(fixtures.envelopeBSuccess) }))
    ))

  it.effect("envelope B err_no 2100007 → DouyinPermissionError with the log_id", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(
        DisableGroupSetting.disable({ openId: "op-1", groupId: "@g==", settingType: "notice" })
      )
      expect(error._tag).toBe("DouyinPermissionError")
      if (error._tag !== "DouyinPermissionError") return
      expect(error.code).toBe(2100007)
      expect(error.logId).toBe("log-disable-1")
    }).pipe(Effect.provide(layer([DouyinTest.errorB(2100007, "无权限操作", "log-disable-1")]))))

  it.effect("an empty group id or unknown setting type → DouyinInvalidInput, nothing sent", () =>
    Effect.gen(function*() {
      for (
        const bad of [
          { openId: "op-1", groupId: "", settingType: "welcome" },
          { openId: "op-1", groupId: "@g", settingType: 1 }
        ]
      ) {
        expect((yield* Effect.flip(DisableGroupSetting.disable(bad as any)))._tag).toBe("DouyinInvalidInput")
      }
      expect(yield* DouyinTest.requests).toHaveLength(0)
    }).pipe(Effect.provide(layer([DouyinTest.json(fixtures.envelopeBSuccess)]))))
})
