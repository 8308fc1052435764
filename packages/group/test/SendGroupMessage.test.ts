import { type DouyinError, DouyinTest, type Endpoint } from "@effect-douyin/core"
import { describe, expect, expectTypeOf, it } from "@effect/vitest"
import { Effect, Layer } from "effect"
import { MessageContent, SendGroupMessage } from "../src/index.js"
import * as fixtures from "./fixtures.js"
import { expectRequest } from "./helpers.js"

const layer = (responder: DouyinTest.Responder) => SendGroupMessage.layer.pipe(Layer.provideMerge(DouyinTest.layerClient(responder)))

const ok = { "POST /im/send/msg/group/": DouyinTest.json(fixtures.sendResponse) }

describe("SendGroupMessage", () => {
  it("send is exactly Endpoint.Handler<typeof descriptor>; errors DouyinError.UnsafeError; R only SendGroupMessage", () => {
    expectTypeOf<SendGroupMessage.Service["send"]>().toEqualTypeOf<Endpoint.Handler<typeof SendGroupMessage.descriptor>>()
    expectTypeOf<SendGroupMessage.Error>().toEqualTypeOf<DouyinError.UnsafeError>()
    expectTypeOf(SendGroupMessage.send).parameters.toEqualTypeOf<[SendGroupMessage.Input]>()
    expectTypeOf<Effect.Effect.Context<ReturnType<typeof SendGroupMessage.send>>>().toEqualTypeOf<SendGroupMessage.SendGroupMessage>()
  })

  it.effect("POST /im/send/msg/group/ with the documented body and decodes the recorded sample", () =>
    Effect.gen(function*() {
      const result = yield* SendGroupMessage.send({
        openId: "op-1",
        groupId: "@7aaaa==",
        content: MessageContent.image("@aaaa")
      })
      expect(result).toStrictEqual({ msgId: "@c29bfc000+MNggFhRkwGuX1ntuc0RPc0VHKefj/yWEJ8uhd==" })
      const requests = yield* DouyinTest.requests
      expect(requests).toHaveLength(1)
      expectRequest(requests[0], {
        method: "POST",
        path: "/im/send/msg/group/",
        query: { open_id: "op-1" },
        body: fixtures.sendRequestBody
      })
    }).pipe(Effect.provide(layer(ok))))

  it.effect("by group token: sends group_token and no group_id", () =>
    Effect.gen(function*() {
      yield* SendGroupMessage.send({ openId: "op-1", groupToken: "CgYIASAHKAES", content: MessageContent.text("hi") })
      const [request] = yield* DouyinTest.requests
      expectRequest(request, {
        method: "POST",
        path: "/im/send/msg/group/",
        query: { open_id: "op-1" },
        body: { group_token: "CgYIASAHKAES", content: { msg_type: 1, text: { text: "hi" } } }
      })
    }).pipe(Effect.provide(layer(ok))))

  it.effect("2100007 (no permission) → DouyinPermissionError with the logid", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(
        SendGroupMessage.send({ openId: "op-1", groupId: "@g", content: MessageContent.text("hi") })
      )
      expect(error._tag).toBe("DouyinPermissionError")
      if (error._tag !== "DouyinPermissionError") return
      expect(error.code).toBe(2100007)
      expect(error.logId).toBe("log-send-1")
    }).pipe(Effect.provide(layer([DouyinTest.errorA(2100007, "无权限操作", "log-send-1")]))))

  it.effect("an undocumented code → DouyinApiError (typed, not a defect)", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(
        SendGroupMessage.send({ openId: "op-1", groupId: "@g", content: MessageContent.text("hi") })
      )
      expect(error._tag).toBe("DouyinApiError")
      if (error._tag !== "DouyinApiError") return
      expect(error.code).toBe(4242424)
      expect(error.logId).toBe("log-send-2")
    }).pipe(Effect.provide(layer([DouyinTest.errorA(4242424, "something new", "log-send-2")]))))

  it.effect("not exactly one of groupId / groupToken, or empty ones → DouyinInvalidInput, nothing sent", () =>
    Effect.gen(function*() {
      const content = MessageContent.text("hi")
      for (
        const bad of [
          { openId: "op-1", groupId: "@g", groupToken: "tok", content },
          { openId: "op-1", content },
          { openId: "op-1", groupId: "", content },
          { openId: "op-1", groupToken: " ", content }
        ]
      ) {
        const error = yield* Effect.flip(SendGroupMessage.send(bad as any))
        expect(error._tag).toBe("DouyinInvalidInput")
      }
      expect(yield* DouyinTest.requests).toHaveLength(0)
    }).pipe(Effect.provide(layer(ok))))

  it.effect("a content variant send does not take (applet coupon) is rejected by type and Schema", () =>
    Effect.gen(function*() {
      const coupon = MessageContent.appletCoupon({ activityId: 1, couponMetaId: 2 })
      // @ts-expect-error applet coupons are for welcome messages / notices only
      const typeLevel = SendGroupMessage.send({ openId: "op-1", groupId: "@g", content: coupon })
      expect((yield* Effect.flip(typeLevel))._tag).toBe("DouyinInvalidInput")
      const runtime = yield* Effect.flip(
        SendGroupMessage.send({ openId: "op-1", groupId: "@g", content: coupon as any })
      )
      expect(runtime._tag).toBe("DouyinInvalidInput")
      expect(yield* DouyinTest.requests).toHaveLength(0)
    }).pipe(Effect.provide(layer(ok))))

  it.effect("an empty text → DouyinInvalidInput, nothing sent", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(
        SendGroupMessage.send({ openId: "op-1", groupId: "@g", content: MessageContent.text("") })
      )
      expect(error._tag).toBe("DouyinInvalidInput")
      expect(yield* DouyinTest.requests).toHaveLength(0)
    }).pipe(Effect.provide(layer(ok))))
})

describe("SendGroupMessage types", () => {
  it("exactly one of groupId / groupToken is a type error otherwise", () => {
    const content = MessageContent.text("hi")
    // @ts-expect-error both
    const both: SendGroupMessage.Input = { openId: "op", groupId: "@g", groupToken: "t", content }
    // @ts-expect-error neither
    const neither: SendGroupMessage.Input = { openId: "op", content }
    expect([both, neither]).toHaveLength(2)
  })
})
