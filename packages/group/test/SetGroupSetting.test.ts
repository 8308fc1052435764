import { type DouyinError, DouyinTest, type Endpoint } from "@effect-douyin/core"
import { describe, expect, expectTypeOf, it } from "@effect/vitest"
import { Effect, Layer } from "effect"
import { MessageContent, SetGroupSetting } from "../src/index.js"
import * as fixtures from "./fixtures.js"
import { expectRequest } from "./helpers.js"

const layer = (responder: DouyinTest.Responder) => SetGroupSetting.layer.pipe(Layer.provideMerge(DouyinTest.layerClient(responder)))

const ok = { "POST /im/group/setting/set/": DouyinTest.json(fixtures.envelopeBSuccess) }

describe("SetGroupSetting", () => {
  it("set is exactly Endpoint.Handler<typeof descriptor>; errors DouyinError.ConvergentError; R only SetGroupSetting", () => {
    expectTypeOf<SetGroupSetting.Service["set"]>().toEqualTypeOf<Endpoint.Handler<typeof SetGroupSetting.descriptor>>()
    expectTypeOf<SetGroupSetting.Error>().toEqualTypeOf<DouyinError.ConvergentError>()
    expectTypeOf(SetGroupSetting.set).parameters.toEqualTypeOf<[SetGroupSetting.Input]>()
    expectTypeOf<Effect.Effect.Context<ReturnType<typeof SetGroupSetting.set>>>().toEqualTypeOf<SetGroupSetting.SetGroupSetting>()
  })

  it.effect("POST /im/group/setting/set/ with the documented C# sample body; envelope-B success", () =>
    Effect.gen(function*() {
      const result = yield* SetGroupSetting.set({
        openId: "op-1",
        groupId: "@4F8C…",
        settingType: "welcome",
        messages: [
          MessageContent.text("66666"),
          MessageContent.appletCard({
            cardTemplateId: "@4F8C…",
            schema: "https://z.douyin.com/lktwYRo",
            appId: "ttfa398c06e94401"
          })
        ]
      })
      expect(result).toBeUndefined()
      const requests = yield* DouyinTest.requests
      expect(requests).toHaveLength(1)
      expectRequest(requests[0], {
        method: "POST",
        path: "/im/group/setting/set/",
        query: { open_id: "op-1" },
        body: fixtures.setGroupSettingRequestBody
      })
    }).pipe(Effect.provide(layer(ok))))

  it.effect("without groupId: no group_id on the wire; notice = 2; coupons allowed", () =>
    Effect.gen(function*() {
      yield* SetGroupSetting.set({
        openId: "op-1",
        settingType: "notice",
        messages: [MessageContent.appletCoupon({ activityId: 7001, couponMetaId: 9002 })]
      })
      const [request] = yield* DouyinTest.requests
      expectRequest(request, {
        method: "POST",
        path: "/im/group/setting/set/",
        query: { open_id: "op-1" },
        body: {
          group_setting_type: 2,
          msg_list: [{ msg_type: 11, applet_coupon: { activity_id: 7001, coupon_meta_id: 9002 } }]
        }
      })
    }).pipe(Effect.provide(layer(ok))))

  it.effect("envelope B err_no 2190003 (scope not authorized) → DouyinPermissionError with the log_id", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(
        SetGroupSetting.set({ openId: "op-1", settingType: "welcome", messages: [MessageContent.text("hi")] })
      )
      expect(error._tag).toBe("DouyinPermissionError")
      if (error._tag !== "DouyinPermissionError") return
      expect(error.code).toBe(2190003)
      expect(error.logId).toBe("log-set-1")
    }).pipe(Effect.provide(layer([DouyinTest.errorB(2190003, "scope", "log-set-1")]))))

  it.effect("a variant settings do not take (image, video, lead card) is rejected by type and Schema", () =>
    Effect.gen(function*() {
      // @ts-expect-error images cannot be welcome messages or notices
      const typeLevel = SetGroupSetting.set({ openId: "op-1", settingType: "welcome", messages: [MessageContent.image("@i")] })
      expect((yield* Effect.flip(typeLevel))._tag).toBe("DouyinInvalidInput")
      for (const content of [MessageContent.image("@i"), MessageContent.video("@v"), MessageContent.leadCard("@c")]) {
        const error = yield* Effect.flip(
          SetGroupSetting.set({ openId: "op-1", settingType: "welcome", messages: [content as any] })
        )
        expect(error._tag).toBe("DouyinInvalidInput")
      }
      expect(yield* DouyinTest.requests).toHaveLength(0)
    }).pipe(Effect.provide(layer(ok))))

  it.effect("no messages, an unknown setting type or an empty group id → DouyinInvalidInput, nothing sent", () =>
    Effect.gen(function*() {
      for (
        const bad of [
          { openId: "op-1", settingType: "welcome", messages: [] },
          { openId: "op-1", settingType: "banner", messages: [MessageContent.text("hi")] },
          { openId: "op-1", groupId: "", settingType: "welcome", messages: [MessageContent.text("hi")] }
        ]
      ) {
        expect((yield* Effect.flip(SetGroupSetting.set(bad as any)))._tag).toBe("DouyinInvalidInput")
      }
      expect(yield* DouyinTest.requests).toHaveLength(0)
    }).pipe(Effect.provide(layer(ok))))
})
