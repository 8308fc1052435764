import { type DouyinError, DouyinTest, type Endpoint } from "@effect-douyin/core"
import { describe, expect, expectTypeOf, it } from "@effect/vitest"
import { Effect, Layer } from "effect"
import { RecallGroupMessage } from "../src/index.js"
import * as fixtures from "./fixtures.js"
import { expectRequest } from "./helpers.js"

const layer = (responder: DouyinTest.Responder) => RecallGroupMessage.layer.pipe(Layer.provideMerge(DouyinTest.layerClient(responder)))

const input = { openId: "op-1", msgId: "@c29bfc000+MNgg==", conversationId: "@conv==" }

describe("RecallGroupMessage", () => {
  it("recall is exactly Endpoint.Handler<typeof descriptor>; errors DouyinError.ConvergentError; R only RecallGroupMessage", () => {
    expectTypeOf<RecallGroupMessage.Service["recall"]>().toEqualTypeOf<Endpoint.Handler<typeof RecallGroupMessage.descriptor>>()
    expectTypeOf<RecallGroupMessage.Error>().toEqualTypeOf<DouyinError.ConvergentError>()
    expectTypeOf(RecallGroupMessage.recall).parameters.toEqualTypeOf<[RecallGroupMessage.Input]>()
    expectTypeOf<Effect.Effect.Context<ReturnType<typeof RecallGroupMessage.recall>>>().toEqualTypeOf<
      RecallGroupMessage.RecallGroupMessage
    >()
  })

  it("the check can fail: a convergent handler never fails with DouyinOutcomeUnknown", () => {
    type Widened = (input: RecallGroupMessage.Input) => Effect.Effect<void, DouyinError.UnsafeError>
    // @ts-expect-error DouyinError.UnsafeError is not the union of a convergent endpoint
    expectTypeOf<Widened>().toEqualTypeOf<Endpoint.Handler<typeof RecallGroupMessage.descriptor>>()
  })

  it.effect("POST /im/recall/msg/ with msg_id, conversation_id, conversation_type 2; envelope-B success", () =>
    Effect.gen(function*() {
      const result = yield* RecallGroupMessage.recall(input)
      expect(result).toBeUndefined()
      const requests = yield* DouyinTest.requests
      expect(requests).toHaveLength(1)
      expectRequest(requests[0], {
        method: "POST",
        path: "/im/recall/msg/",
        query: { open_id: "op-1" },
        body: { msg_id: "@c29bfc000+MNgg==", conversation_id: "@conv==", conversation_type: 2 }
      })
    }).pipe(Effect.provide(layer({ "POST /im/recall/msg/": DouyinTest.json(fixtures.envelopeBSuccess) }))))

  it.effect("envelope B err_no 2100005 → DouyinInvalidParams with the log_id", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(RecallGroupMessage.recall(input))
      expect(error._tag).toBe("DouyinInvalidParams")
      if (error._tag !== "DouyinInvalidParams") return
      expect(error.code).toBe(2100005)
      expect(error.endpoint).toBe("group/RecallGroupMessage")
      expect(error.logId).toBe("log-recall-1")
    }).pipe(Effect.provide(layer([DouyinTest.errorB(2100005, "参数不合法", "log-recall-1")]))))

  it.effect("empty ids → DouyinInvalidInput, nothing sent", () =>
    Effect.gen(function*() {
      for (const bad of [{ ...input, msgId: "" }, { ...input, conversationId: " " }, { ...input, openId: "" }]) {
        expect((yield* Effect.flip(RecallGroupMessage.recall(bad)))._tag).toBe("DouyinInvalidInput")
      }
      expect(yield* DouyinTest.requests).toHaveLength(0)
    }).pipe(Effect.provide(layer([DouyinTest.json(fixtures.envelopeBSuccess)]))))
})
