// Hostile input through the public API: hostile bodies and inputs end in typed
// errors with bounded descriptions, and nothing malformed reaches the wire.
import { DouyinConfig, type DouyinError, DouyinTest, OAuth } from "@effect-douyin/core"
import {
  FanGroupQuota,
  ListEntryApplications,
  MessageContent,
  RecallGroupMessage,
  SendGroupMessage,
  WebhookConfig,
  WebhookDedupe,
  WebhookEvent,
  WebhookHandler,
  WebhookSignature
} from "@effect-douyin/group"
import { describe, expect, it } from "@effect/vitest"
import { Effect, Exit, Layer, Logger, LogLevel, Redacted, Stream } from "effect"

/** `[[[…]]]` nested `depth` levels (5 000 levels is 10 KB of JSON). */
const nested = (depth: number): unknown => {
  let value: unknown = []
  for (let i = 1; i < depth; i++) value = [value]
  return value
}
const deepJson = (depth: number) => "[".repeat(depth) + "]".repeat(depth)

/** A description that says what went wrong in a few lines, whatever the input. */
const bounded = 600

const api = (replies: DouyinTest.Responder) =>
  Layer.mergeAll(FanGroupQuota.layer, SendGroupMessage.layer, RecallGroupMessage.layer, ListEntryApplications.layer)
    .pipe(Layer.provideMerge(DouyinTest.layerClient(replies)))

const deepBody = (depth: number): DouyinTest.Reply => ({
  status: 200,
  headers: { "content-type": "application/json" },
  body: `{"data": ${deepJson(depth)}, "extra": {"logid": "LOG-DEEP"}}`
})

const hookSecret = Redacted.make("hook-secret")
const malformedSeen: Array<WebhookEvent.MalformedEvent> = []

/** A signed-looking group message event whose `text` is nested `depth` levels deep. */
const deepWebhookBody = (depth: number, contentAsString: boolean) => {
  const content = `{"conversation_short_id":"@c","server_message_id":"@m","conversation_type":2,` +
    `"create_time":1700000000000,"message_type":"text","text":${deepJson(depth)}}`
  return `{"event":"im_group_receive_msg","client_key":"ck","from_user_id":"a","to_user_id":"b",` +
    `"content":${contentAsString ? JSON.stringify(content) : content}}`
}

describe("deeply nested JSON is a typed error with a bounded description", () => {
  it.effect.each([5_000, 20_000])(
    "a 200 body nested %i levels: count, send and recall fail with DouyinDecodeError",
    (depth) =>
      Effect.gen(function*() {
        const count = yield* Effect.exit(FanGroupQuota.remaining({ openId: "op-1" }))
        const send = yield* Effect.exit(
          SendGroupMessage.send({ openId: "op-1", groupId: "@g", content: MessageContent.text("hi") })
        )
        const recall = yield* Effect.exit(RecallGroupMessage.recall({ openId: "op-1", msgId: "@m", conversationId: "@c" }))
        for (const exit of [count, send, recall] as ReadonlyArray<Exit.Exit<unknown, DouyinError.DouyinError>>) {
          expect(Exit.isFailure(exit) && exit.cause._tag).toBe("Fail")
          if (Exit.isFailure(exit) && exit.cause._tag === "Fail") {
            expect(exit.cause.error._tag).toBe("DouyinDecodeError")
            expect(exit.cause.error.message.length).toBeLessThan(bounded)
          }
        }
      }).pipe(Effect.provide(api(() => deepBody(depth))))
  )

  it.effect("a deeply nested input value fails with DouyinInvalidInput and sends nothing", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(
        SendGroupMessage.send({
          openId: "op-1",
          groupId: "@g",
          content: { _tag: "Text", text: nested(20_000) } as unknown as MessageContent.GroupMessageContent
        })
      )
      expect(error._tag).toBe("DouyinInvalidInput")
      expect(error.message).toContain("content")
      expect(error.message.length).toBeLessThan(bounded)
      expect(yield* DouyinTest.requests).toHaveLength(0)
    }).pipe(Effect.provide(api([]))))

  it.effect("an OAuth response nested 20 000 levels fails with DouyinDecodeError", () =>
    Effect.gen(function*() {
      const oauth = yield* OAuth.OAuth
      const error = yield* Effect.flip(oauth.accessToken("code-1"))
      expect(error._tag).toBe("DouyinDecodeError")
      expect(error.message.length).toBeLessThan(bounded)
    }).pipe(
      Effect.provide(
        OAuth.layer({ clientKey: "ck", clientSecret: Redacted.make("cs") }).pipe(
          Layer.provideMerge(
            DouyinTest.layer(() => ({
              status: 200,
              headers: {},
              body: `{"data": {"error_code": 0, "access_token": ${deepJson(20_000)}}, "message": "success"}`
            }))
          ),
          Layer.provide(DouyinConfig.layer({}))
        )
      )
    ))

  it.each(["an object", "a JSON string"])(
    "WebhookEvent.decode: a message event whose text is nested 20 000 levels deep (content as %s) is a MalformedEvent with a bounded issue",
    (form) => {
      const event = WebhookEvent.decode(JSON.parse(deepWebhookBody(20_000, form === "a JSON string")))
      expect(event._tag).toBe("MalformedEvent")
      if (event._tag === "MalformedEvent") {
        expect(event.issue).toContain("text")
        expect(event.issue.length).toBeLessThan(bounded)
      }
    }
  )

  it.effect("a signed webhook body nested 20 000 levels deep is acknowledged as a MalformedEvent, not a 500", () =>
    Effect.gen(function*() {
      const receiver = yield* WebhookHandler.WebhookHandler
      const body = deepWebhookBody(20_000, false)
      const reply = yield* receiver.handle({
        body: new TextEncoder().encode(body),
        headers: { "x-douyin-signature": WebhookSignature.sign(hookSecret, body), "msg-id": "deep-1" }
      })
      expect(reply).toMatchObject({ status: 200, outcome: "acknowledged" })
      yield* receiver.awaitIdle
      expect(malformedSeen).toHaveLength(1)
      expect(malformedSeen[0].issue.length).toBeLessThan(bounded)
    }).pipe(
      Effect.provide(
        WebhookHandler.layer({ MalformedEvent: (event) => Effect.sync(() => malformedSeen.push(event)) }).pipe(
          Layer.provide([WebhookConfig.layer({ clientSecret: hookSecret }), WebhookDedupe.layer])
        )
      ),
      Logger.withMinimumLogLevel(LogLevel.None)
    ))
})

describe("ListEntryApplications.stream validates through the request Schema", () => {
  it.effect.each([null, undefined, { openId: "op-1", count: null }, { openId: "op-1", count: 0 }, { openId: "" }])(
    "stream(%j) fails with DouyinInvalidInput and sends nothing",
    (input) =>
      Effect.gen(function*() {
        const exit = yield* Effect.exit(
          Stream.runCollect(ListEntryApplications.stream(input as unknown as ListEntryApplications.StreamInput))
        )
        expect(Exit.isFailure(exit) && exit.cause._tag).toBe("Fail")
        if (Exit.isFailure(exit) && exit.cause._tag === "Fail") expect(exit.cause.error._tag).toBe("DouyinInvalidInput")
        expect(yield* DouyinTest.requests).toHaveLength(0)
      }).pipe(Effect.provide(api([])))
  )

  it.effect("list({ count: null }) fails with DouyinInvalidInput and sends nothing", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(
        ListEntryApplications.list({ openId: "op-1", count: null } as unknown as ListEntryApplications.Input)
      )
      expect(error._tag).toBe("DouyinInvalidInput")
      expect(yield* DouyinTest.requests).toHaveLength(0)
    }).pipe(Effect.provide(api([]))))
})

describe("strings on the wire are well-formed Unicode", () => {
  it.effect.each(
    [
      ["an open_id", { openId: "op\uD800x", groupId: "@g", content: MessageContent.text("hi") }, "open_id"],
      ["a group id", { openId: "op-1", groupId: "@g\uDC00", content: MessageContent.text("hi") }, "group_id"],
      ["message text", { openId: "op-1", groupId: "@g", content: MessageContent.text("hi \uD83D") }, "content.text.text"]
    ] as const
  )(
    "a lone surrogate in %s fails with DouyinInvalidInput naming the wire field, and sends nothing",
    ([, input, field]) =>
      Effect.gen(function*() {
        const error = yield* Effect.flip(SendGroupMessage.send(input))
        expect(error._tag).toBe("DouyinInvalidInput")
        expect(error.message).toContain(`${field}: invalid (not well-formed Unicode`)
        expect(yield* DouyinTest.requests).toHaveLength(0)
      }).pipe(Effect.provide(api([])))
  )

  it.effect("a lone surrogate in a GET query value (open_id of count) is rejected before sending", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(FanGroupQuota.remaining({ openId: "op\uD800x" }))
      expect(error._tag).toBe("DouyinInvalidInput")
      expect(yield* DouyinTest.requests).toHaveLength(0)
    }).pipe(Effect.provide(api([]))))

  it.effect("well-formed astral characters (emoji) still go out unchanged", () =>
    Effect.gen(function*() {
      yield* SendGroupMessage.send({ openId: "op-1", groupId: "@g", content: MessageContent.text("live 🎉") })
      const [request] = yield* DouyinTest.requests
      expect(request.body).toMatchObject({ content: { text: { text: "live 🎉" } } })
    }).pipe(Effect.provide(api([DouyinTest.successA({ msg_id: "@m" })]))))
})
