// A real HTTP POST over loopback (127.0.0.1, port 0) to the webhook receiver mounted in an
// @effect/platform router served by NodeHttpServer: signed, unsigned, tampered, repeated.
import { HttpApi, HttpApiBuilder, HttpApiEndpoint, HttpApiGroup, HttpRouter, HttpServer } from "@effect/platform"
import { NodeHttpServer } from "@effect/platform-node"
import { WebhookConfig, WebhookDedupe, WebhookHandler, WebhookSignature } from "@effect-douyin/group"
import type { WebhookEvent } from "@effect-douyin/group"
import { describe, expect, expectTypeOf, it } from "@effect/vitest"
import { Context, Effect, Layer, Logger, LogLevel, Queue, Redacted, Ref } from "effect"
import { createServer } from "node:http"

const secret = Redacted.make("loopback-secret")

const textEvent = (text: string) =>
  // hand-written (spacing, non-ASCII) so that re-serializing would change the bytes
  `{ "event": "im_group_receive_msg", "client_key": "ck", "from_user_id": "member", "to_user_id": "owner",
     "content": { "conversation_short_id": "@conv==", "server_message_id": "@m==", "conversation_type": 2,
                  "create_time": 1700000000000, "message_type": "text", "text": ${JSON.stringify(text)} } }`

const serve = (received: Queue.Queue<WebhookEvent.WebhookEvent>) =>
  HttpRouter.empty.pipe(
    HttpRouter.post("/douyin/webhook", WebhookHandler.app),
    HttpServer.serve(),
    Layer.provideMerge(
      WebhookHandler.layer({ GroupMessageReceived: (event) => Queue.offer(received, event) }).pipe(
        Layer.provide([WebhookConfig.layer({ clientSecret: secret }), WebhookDedupe.layer])
      )
    ),
    Layer.provideMerge(NodeHttpServer.layer(() => createServer(), { port: 0, host: "127.0.0.1" }))
  )

const post = (url: string, body: string, headers: Record<string, string>) =>
  Effect.promise(async () => {
    const response = await fetch(url, {
      method: "POST",
      body: new TextEncoder().encode(body),
      headers: { "content-type": "application/json", ...headers }
    })
    return { status: response.status, body: await response.text() }
  })

describe("webhook receiver over loopback", () => {
  it.scopedLive("signed POST is acknowledged and handled once; unsigned and tampered POSTs are 401", () =>
    Effect.gen(function*() {
      const received = yield* Queue.unbounded<WebhookEvent.WebhookEvent>()
      const context = yield* Layer.build(serve(received))
      const server = Context.get(context, HttpServer.HttpServer)
      const receiver = Context.get(context, WebhookHandler.WebhookHandler)
      if (server.address._tag !== "TcpAddress") throw new Error("expected a TCP address")
      expect(server.address.hostname).toBe("127.0.0.1")
      const url = `http://127.0.0.1:${server.address.port}/douyin/webhook`

      const body = textEvent("你好, loopback")
      const signature = WebhookSignature.sign(secret, body)

      const unsigned = yield* post(url, body, { "msg-id": "lb-1" })
      expect(unsigned.status).toBe(401)
      expect(unsigned.body).not.toContain("loopback-secret")

      const tampered = yield* post(url, textEvent("你好, tampered"), { "x-douyin-signature": signature, "msg-id": "lb-1" })
      expect(tampered.status).toBe(401)

      const reserialized = JSON.stringify(JSON.parse(body))
      const reencoded = yield* post(url, reserialized, { "x-douyin-signature": signature, "msg-id": "lb-1" })
      expect(reencoded.status).toBe(401)

      // Douyin's retries: the same delivery three times
      for (let i = 0; i < 3; i++) {
        const signed = yield* post(url, body, { "X-Douyin-Signature": signature, "Msg-Id": "lb-1" })
        expect(signed).toEqual({ status: 200, body: "{}" })
      }
      const event = yield* Queue.take(received)
      expect(event).toMatchObject({ _tag: "GroupMessageReceived", content: { _tag: "Text", text: "你好, loopback" } })
      yield* receiver.awaitIdle
      expect(yield* Queue.size(received)).toBe(0)

      const challenge = `{"event":"verify_webhook","client_key":"ck","content":{"challenge":987}}`
      const answered = yield* post(url, challenge, { "x-douyin-signature": WebhookSignature.sign(secret, challenge) })
      expect(answered.status).toBe(200)
      expect(JSON.parse(answered.body)).toEqual({ challenge: 987 })
    }).pipe(Logger.withMinimumLogLevel(LogLevel.Error)))

  it.scopedLive(
    "acknowledge after the handler: a handler that fails twice then succeeds gets two 500 answers, then 200; handled once; the Msg-Id is recorded only then",
    () =>
      Effect.gen(function*() {
        const runs = yield* Ref.make(0)
        const handled = yield* Ref.make<ReadonlyArray<string>>([])
        const App = HttpRouter.empty.pipe(
          HttpRouter.post("/douyin/webhook", WebhookHandler.app),
          HttpServer.serve(),
          Layer.provideMerge(
            WebhookHandler.layer({
              EntryApplicationChanged: (event) =>
                Effect.flatMap(Ref.updateAndGet(runs, (n) => n + 1), (n) =>
                  n <= 2
                    ? Effect.fail(new Error(`downstream unavailable (run ${n})`))
                    : Ref.update(handled, (all) => [...all, `${event.applicantOpenId}→${event.ownerOpenId} ${event.content.applyStatus}`]))
            }, { acknowledge: "afterHandler" }).pipe(
              Layer.provide([WebhookConfig.layer({ clientSecret: secret }), WebhookDedupe.layer])
            )
          ),
          Layer.provideMerge(NodeHttpServer.layer(() => createServer(), { port: 0, host: "127.0.0.1" }))
        )
        const context = yield* Layer.build(App)
        const server = Context.get(context, HttpServer.HttpServer)
        if (server.address._tag !== "TcpAddress") throw new Error("expected a TCP address")
        const url = `http://127.0.0.1:${server.address.port}/douyin/webhook`
        const body = JSON.stringify({
          event: "enter_group_audit_change",
          client_key: "ck",
          from_user_id: "applicant-1",
          to_user_id: "owner-1",
          content: JSON.stringify({ group_id: "g-1", apply_id: "ap-1", apply_status: 1, create_time: 1700000000000 })
        })
        const headers = { "x-douyin-signature": WebhookSignature.sign(secret, body), "msg-id": "after-1" }

        // Douyin's deliveries of one Msg-Id, one after the other
        const answers: Array<number> = []
        for (let i = 0; i < 3; i++) answers.push((yield* post(url, body, headers)).status)
        expect(answers).toEqual([500, 500, 200])
        expect(yield* Ref.get(runs)).toBe(3)
        expect(yield* Ref.get(handled)).toEqual(["applicant-1→owner-1 pending"])
        // handled: now the Msg-Id is recorded, a further delivery is a duplicate
        expect(yield* post(url, body, headers)).toEqual({ status: 200, body: "{}" })
        expect(yield* Ref.get(runs)).toBe(3)
      }).pipe(Logger.withMinimumLogLevel(LogLevel.None))
  )

  it.scopedLive("mounted inside an HttpApi (the documented form): the group layer needs only WebhookHandler; a signed challenge is answered", () =>
    Effect.gen(function*() {
      const Api = HttpApi.make("app").add(
        HttpApiGroup.make("douyin").add(HttpApiEndpoint.post("webhook", "/douyin/webhook"))
      )
      const DouyinGroup = HttpApiBuilder.group(
        Api,
        "douyin",
        (handlers) => Effect.map(WebhookHandler.WebhookHandler, (receiver) => handlers.handleRaw("webhook", () => receiver.app))
      )
      // the type test: the group's only requirement is the receiver, provided by its layer
      expectTypeOf(DouyinGroup).toEqualTypeOf<
        Layer.Layer<HttpApiGroup.ApiGroup<"app", "douyin">, never, WebhookHandler.WebhookHandler>
      >()
      const Receiver = WebhookHandler.layer({}).pipe(
        Layer.provide([WebhookConfig.layer({ clientSecret: secret }), WebhookDedupe.layer])
      )
      const ApiLive = HttpApiBuilder.api(Api).pipe(Layer.provide(DouyinGroup), Layer.provide(Receiver))
      const Served = HttpApiBuilder.serve().pipe(
        Layer.provide(ApiLive),
        Layer.provideMerge(NodeHttpServer.layer(() => createServer(), { port: 0, host: "127.0.0.1" }))
      )
      const context = yield* Layer.build(Served)
      const server = Context.get(context, HttpServer.HttpServer)
      if (server.address._tag !== "TcpAddress") throw new Error("expected a TCP address")
      const url = `http://127.0.0.1:${server.address.port}/douyin/webhook`
      const challenge = `{"event":"verify_webhook","client_key":"ck","content":{"challenge":4242}}`
      const answered = yield* post(url, challenge, { "x-douyin-signature": WebhookSignature.sign(secret, challenge) })
      expect(answered.status).toBe(200)
      expect(JSON.parse(answered.body)).toEqual({ challenge: 4242 })
      const unsigned = yield* post(url, challenge, {})
      expect(unsigned.status).toBe(401)
    }).pipe(Logger.withMinimumLogLevel(LogLevel.None)))
})
