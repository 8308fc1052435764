import { HttpRouter, HttpServerRequest, HttpServerResponse } from "@effect/platform"
import { describe, expect, it } from "@effect/vitest"
import { Cause, Context, Deferred, Effect, Exit, Fiber, Layer, Logger, Option, Redacted, Ref, Scope, TestClock } from "effect"
import { WebhookConfig, WebhookDedupe, WebhookHandler, WebhookSignature } from "../src/index.js"
import type { WebhookEvent } from "../src/index.js"
import { enterGroupAuditChange, groupFansEvent, textMessage, verifyVector } from "./fixtures/webhookSamples.js"

const secretText = "s3cret-value-never-logged"
const secret = Redacted.make(secretText)
const encoder = new TextEncoder()

const Env = Layer.mergeAll(WebhookConfig.layer({ clientSecret: secret, maxBodyBytes: 4096 }), WebhookDedupe.layer)

/** A delivery as Douyin would send it. */
const signed = (body: string, headers: Record<string, string> = {}): WebhookHandler.RawDelivery => ({
  body: encoder.encode(body),
  headers: { "content-type": "application/json", [WebhookSignature.headerName]: WebhookSignature.sign(secret, body), ...headers }
})

/** The handlers' own dependency, to show that `R` is captured at build time. */
class Seen extends Context.Tag("test/Seen")<Seen, Ref.Ref<ReadonlyArray<WebhookEvent.WebhookEvent>>>() {}
const record = (event: WebhookEvent.WebhookEvent) => Effect.flatMap(Seen, (seen) => Ref.update(seen, (all) => [...all, event]))
const seenEvents = Effect.flatMap(Seen, Ref.get)

const logLines = (lines: Array<string>) =>
  Logger.replace(
    Logger.defaultLogger,
    Logger.make(({ cause, logLevel, message }) => {
      lines.push(`${logLevel.label} ${String(message)} ${Cause.pretty(cause)}`)
    })
  )

const recording = {
  GroupMessageReceived: record,
  GroupMessageSent: record,
  GroupFanJoined: record,
  EntryApplicationChanged: record,
  MalformedEvent: record,
  UnknownEvent: record
} satisfies WebhookHandler.Handlers<Seen>

const build = <R = never>(handlers: WebhookHandler.Handlers<R>) => WebhookHandler.make(handlers).pipe(Effect.provide(Env))

const SeenLive = Layer.effect(Seen, Ref.make<ReadonlyArray<WebhookEvent.WebhookEvent>>([]))

describe("WebhookHandler.handle", () => {
  it.scoped("answers verify_webhook with the challenge (signed, §7.1 vector)", () =>
    Effect.gen(function*() {
      const receiver = yield* WebhookHandler.make({}).pipe(
        Effect.provide(Layer.merge(WebhookConfig.layer({ clientSecret: Redacted.make(verifyVector.secret) }), WebhookDedupe.layer))
      )
      const reply = yield* receiver.handle({
        body: encoder.encode(verifyVector.body),
        headers: { [WebhookSignature.headerName]: verifyVector.signature }
      })
      expect(reply).toEqual({ status: 200, body: { challenge: 12345 }, outcome: "challenge" })
      const unsigned = yield* receiver.handle({ body: encoder.encode(verifyVector.body), headers: {} })
      expect(unsigned.status).toBe(401)
    }))

  it.scoped("the same delivery three times with one Msg-Id runs the handler once", () =>
    Effect.gen(function*() {
      const receiver = yield* build(recording)
      const delivery = signed(textMessage("hello"), { "msg-id": "msg-0001" })
      const replies = []
      for (let i = 0; i < 3; i++) replies.push(yield* receiver.handle(delivery))
      yield* receiver.awaitIdle
      expect(replies.map((r) => [r.status, r.outcome])).toEqual([
        [200, "acknowledged"],
        [200, "duplicate"],
        [200, "duplicate"]
      ])
      const seen = yield* seenEvents
      expect(seen).toHaveLength(1)
      expect(seen[0]._tag).toBe("GroupMessageReceived")

      // a different Msg-Id is a different delivery
      yield* receiver.handle(signed(textMessage("hello"), { "msg-id": "msg-0002" }))
      yield* receiver.awaitIdle
      expect(yield* seenEvents).toHaveLength(2)
    }).pipe(Effect.provide(SeenLive)))

  it.scoped("three concurrent deliveries with one Msg-Id also run the handler once", () =>
    Effect.gen(function*() {
      const receiver = yield* build(recording)
      const delivery = signed(textMessage("hello"), { "msg-id": "msg-concurrent" })
      const replies = yield* Effect.all([receiver.handle(delivery), receiver.handle(delivery), receiver.handle(delivery)], {
        concurrency: "unbounded"
      })
      yield* receiver.awaitIdle
      expect(replies.every((r) => r.status === 200)).toBe(true)
      expect(replies.filter((r) => r.outcome === "acknowledged")).toHaveLength(1)
      expect(yield* seenEvents).toHaveLength(1)
    }).pipe(Effect.provide(SeenLive)))

  it.scoped("without a Msg-Id every delivery is handled", () =>
    Effect.gen(function*() {
      const receiver = yield* build(recording)
      yield* receiver.handle(signed(textMessage("a")))
      yield* receiver.handle(signed(textMessage("a")))
      yield* receiver.awaitIdle
      expect(yield* seenEvents).toHaveLength(2)
    }).pipe(Effect.provide(SeenLive)))

  it.scoped("dispatches each event type to its handler with typed values", () =>
    Effect.gen(function*() {
      const got: Array<string> = []
      const receiver = yield* build({
        GroupFanJoined: (event) => Effect.sync(() => got.push(`joined ${event.content.imGroupId} ${event.content.createGroupType}`)),
        EntryApplicationChanged: (event, delivery) =>
          Effect.sync(() => got.push(`application ${event.content.applyStatus} ${Option.getOrElse(delivery.msgId, () => "-")}`)),
        GroupMessageReceived: (event) =>
          Effect.sync(() => got.push(event.content._tag === "Text" ? `text ${event.content.text}` : event.content._tag))
      })
      yield* receiver.handle(signed(groupFansEvent, { "msg-id": "1" }))
      yield* receiver.handle(signed(enterGroupAuditChange, { "msg-id": "2" }))
      yield* receiver.handle(signed(textMessage("hi"), { "msg-id": "3" }))
      yield* receiver.awaitIdle
      expect(got.sort()).toEqual(["application approved 2", "joined @9VxQh6rG…== tenThousandFans", "text hi"])
    }))

  it.scoped("an unknown event reaches the UnknownEvent handler, a known one that does not decode the MalformedEvent handler; both acknowledged", () =>
    Effect.gen(function*() {
      const receiver = yield* build(recording)
      const unknown = yield* receiver.handle(signed(JSON.stringify({ event: "im_receive_msg", content: {} })))
      const malformed = yield* receiver.handle(
        signed(
          JSON.stringify({
            event: "group_fans_event",
            client_key: "ck",
            from_user_id: "a",
            to_user_id: "b",
            content: "{\"open_id\":1}"
          })
        )
      )
      yield* receiver.awaitIdle
      expect([unknown.status, malformed.status]).toEqual([200, 200])
      const seen = yield* seenEvents
      expect(seen.map((e) => e._tag)).toEqual(["UnknownEvent", "MalformedEvent"])
      expect(seen[0]).toMatchObject({ event: "im_receive_msg" })
      expect(seen[0]).not.toHaveProperty("issue")
      expect(seen[1]).toMatchObject({ event: "group_fans_event", issue: expect.stringContaining("content") })
    }).pipe(Effect.provide(SeenLive)))

  it.scoped("rejects a tampered body and a wrong or missing signature before parsing (401)", () =>
    Effect.gen(function*() {
      const receiver = yield* build(recording)
      const good = signed(textMessage("pay 1"))
      const tampered = { ...good, body: encoder.encode(textMessage("pay 9")) }
      const wrong = signed(textMessage("x"), {
        [WebhookSignature.headerName]: WebhookSignature.sign(Redacted.make("nope"), textMessage("x"))
      })
      const missing = { body: encoder.encode(textMessage("x")), headers: {} }
      // not JSON and not signed: a 401 (not a 400) shows the signature is checked first
      const garbage = { body: encoder.encode("{not json"), headers: { [WebhookSignature.headerName]: "0".repeat(40) } }
      for (const delivery of [tampered, wrong, missing, garbage]) {
        const reply = yield* receiver.handle(delivery)
        expect(reply).toEqual({ status: 401, body: { error: "invalid signature" }, outcome: "rejected" })
      }
      yield* receiver.awaitIdle
      expect(yield* seenEvents).toHaveLength(0)
    }).pipe(Effect.provide(SeenLive)))

  it.scoped("a signed body that is not JSON is a 400; a body over the limit a 413", () =>
    Effect.gen(function*() {
      const receiver = yield* build(recording)
      expect((yield* receiver.handle(signed("{not json"))).status).toBe(400)
      expect((yield* receiver.handle(signed(`{"event":"x","pad":"${"x".repeat(5000)}"}`))).status).toBe(413)
      yield* receiver.awaitIdle
      expect(yield* seenEvents).toHaveLength(0)
    }).pipe(Effect.provide(SeenLive)))

  it.scoped("acknowledges at once: the reply does not wait for the handler", () =>
    Effect.gen(function*() {
      const gate = yield* Deferred.make<void>()
      const finished = yield* Deferred.make<void>()
      const receiver = yield* build({
        GroupMessageReceived: () => Effect.zipRight(Deferred.await(gate), Deferred.succeed(finished, undefined))
      })
      const reply = yield* receiver.handle(signed(textMessage("slow"), { "msg-id": "slow-1" }))
      expect(reply.status).toBe(200)
      expect(yield* Deferred.isDone(finished)).toBe(false)
      yield* Deferred.succeed(gate, undefined)
      yield* receiver.awaitIdle
      expect(yield* Deferred.isDone(finished)).toBe(true)
    }))

  it.scoped("a failing or dying handler is logged and does not change the acknowledgement", () => {
    const lines: Array<string> = []
    return Effect.gen(function*() {
      const receiver = yield* build({
        GroupMessageReceived: (event) =>
          event.content._tag === "Text" && event.content.text === "die"
            ? Effect.die(new Error("handler bug"))
            : Effect.fail("business failure" as const),
        GroupFanJoined: () => Effect.log("joined handled")
      })
      const failing = yield* receiver.handle(signed(textMessage("fail"), { "msg-id": "f-1" }))
      const dying = yield* receiver.handle(signed(textMessage("die"), { "msg-id": "f-2" }))
      const after = yield* receiver.handle(signed(groupFansEvent, { "msg-id": "f-3" }))
      yield* receiver.awaitIdle
      expect([failing, dying, after].map((r) => [r.status, r.outcome])).toEqual([
        [200, "acknowledged"],
        [200, "acknowledged"],
        [200, "acknowledged"]
      ])
      const errors = lines.filter((l) => l.startsWith("ERROR"))
      expect(errors).toHaveLength(2)
      expect(errors.join("\n")).toContain("business failure")
      expect(errors.join("\n")).toContain("handler bug")
      expect(lines.some((l) => l.includes("joined handled"))).toBe(true)
      // rejected deliveries are logged too, never with the secret
      yield* receiver.handle({ body: encoder.encode("{}"), headers: { [WebhookSignature.headerName]: "0".repeat(40) } })
      expect(lines.some((l) => l.startsWith("WARN") && l.includes("does not match"))).toBe(true)
      expect(lines.join("\n")).not.toContain(secretText)
    }).pipe(Effect.provide(logLines(lines)))
  })

  it.effect("handlers still running when the scope closes are interrupted", () =>
    Effect.gen(function*() {
      const started = yield* Deferred.make<void>()
      const interrupted = yield* Deferred.make<void>()
      const scope = yield* Scope.make()
      const receiver = yield* build({
        GroupMessageReceived: () =>
          Deferred.succeed(started, undefined).pipe(
            Effect.zipRight(Effect.never),
            Effect.onInterrupt(() => Deferred.succeed(interrupted, undefined))
          )
      }).pipe(Scope.extend(scope))
      yield* receiver.handle(signed(textMessage("forever")))
      yield* Deferred.await(started)
      yield* Scope.close(scope, Exit.void)
      yield* Deferred.await(interrupted)
    }))
})

describe("WebhookHandler as an HttpApp", () => {
  const post = (body: string, headers: Record<string, string>, path = "/douyin/webhook") =>
    HttpServerRequest.fromWeb(new Request(`http://localhost${path}`, { method: "POST", body, headers }))

  const bodyOf = (response: HttpServerResponse.HttpServerResponse) => Effect.promise(() => HttpServerResponse.toWeb(response).text())

  it.scoped("mounted in an HttpRouter: verifies, answers the challenge, acknowledges and dispatches", () =>
    Effect.gen(function*() {
      const router = yield* HttpRouter.empty.pipe(HttpRouter.post("/douyin/webhook", WebhookHandler.app), HttpRouter.toHttpApp)
      const run = (request: HttpServerRequest.HttpServerRequest) =>
        router.pipe(Effect.provideService(HttpServerRequest.HttpServerRequest, request))

      const body = textMessage("via router")
      const ok = yield* run(post(body, { [WebhookSignature.headerName]: WebhookSignature.sign(secret, body), "msg-id": "r-1" }))
      expect(ok.status).toBe(200)
      expect(JSON.parse(yield* bodyOf(ok))).toEqual({})

      const rejected = yield* run(post(body, {}))
      expect(rejected.status).toBe(401)
      expect(yield* bodyOf(rejected)).not.toContain(secretText)

      const challenge = `{"event":"verify_webhook","client_key":"abc","content":"{\\"challenge\\":\\"abc-123\\"}"}`
      const answered = yield* run(post(challenge, { [WebhookSignature.headerName]: WebhookSignature.sign(secret, challenge) }))
      expect(answered.status).toBe(200)
      expect(JSON.parse(yield* bodyOf(answered))).toEqual({ challenge: "abc-123" })

      const receiver = yield* WebhookHandler.WebhookHandler
      yield* receiver.awaitIdle
      const seen = yield* seenEvents
      expect(seen).toHaveLength(1)
      expect(seen[0]).toMatchObject({ _tag: "GroupMessageReceived", content: { text: "via router" } })
    }).pipe(Effect.provide(WebhookHandler.layer(recording).pipe(Layer.provide(Env), Layer.provideMerge(SeenLive)))))

  it.scoped("refuses other methods and bodies whose declared length is over the limit", () =>
    Effect.gen(function*() {
      const receiver = yield* build({})
      const get = yield* receiver.app.pipe(
        Effect.provideService(HttpServerRequest.HttpServerRequest, HttpServerRequest.fromWeb(new Request("http://localhost/")))
      )
      expect(get.status).toBe(405)
      const big = "x".repeat(5000)
      const tooBig = yield* receiver.app.pipe(
        Effect.provideService(
          HttpServerRequest.HttpServerRequest,
          post(big, { [WebhookSignature.headerName]: WebhookSignature.sign(secret, big), "content-length": "5000" })
        )
      )
      expect(tooBig.status).toBe(413)
    }))
})

describe("WebhookHandler: acknowledge after the handler, within the handler timeout", () => {
  const afterHandler = (handlers: WebhookHandler.Handlers<never>, options: Partial<WebhookHandler.Options> = {}) =>
    WebhookHandler.make(handlers, { acknowledge: "afterHandler", ...options }).pipe(Effect.provide(Env))

  it.scoped("a handler still running at 4 s (default) is cut: 500, Msg-Id released; the redelivery runs it again (TestClock)", () =>
    Effect.gen(function*() {
      const runs = yield* Ref.make(0)
      const finished = yield* Ref.make(0)
      const receiver = yield* afterHandler({
        // The first run takes 10 s (Douyin stopped waiting long before); later runs are quick.
        EntryApplicationChanged: () =>
          Effect.flatMap(
            Ref.updateAndGet(runs, (n) => n + 1),
            (n) => Effect.zipRight(n === 1 ? Effect.sleep("10 seconds") : Effect.void, Ref.update(finished, (k) => k + 1))
          )
      })
      const delivery = signed(enterGroupAuditChange, { "msg-id": "slow-1" })
      const first = yield* Effect.fork(receiver.handle(delivery))
      yield* TestClock.adjust("3999 millis")
      expect(first.unsafePoll()).toBeNull()
      yield* TestClock.adjust("1 millis")
      const reply = yield* Fiber.join(first)
      expect([reply.status, reply.outcome]).toEqual([500, "failed"])
      expect(yield* Ref.get(finished)).toBe(0) // interrupted, not left running
      // the claim was released: Douyin's redelivery is handled, then recorded
      expect((yield* receiver.handle(delivery)).status).toBe(200)
      expect((yield* receiver.handle(delivery)).outcome).toBe("duplicate")
      expect([yield* Ref.get(runs), yield* Ref.get(finished)]).toEqual([2, 1])
    }))

  it.scoped("a handler that ends within handlerTimeout is acknowledged (a longer timeout, set in code)", () =>
    Effect.gen(function*() {
      const receiver = yield* afterHandler({ EntryApplicationChanged: () => Effect.sleep("6 seconds") }, { handlerTimeout: "8 seconds" })
      const pending = yield* Effect.fork(receiver.handle(signed(enterGroupAuditChange, { "msg-id": "slow-2" })))
      yield* TestClock.adjust("6 seconds")
      expect((yield* Fiber.join(pending)).status).toBe(200)
    }))

  it.effect.each([0, -1, Number.NaN, "-5 seconds", "soon"] as const)(
    "handlerTimeout %j: a ConfigError naming it, no receiver",
    (bad) =>
      Effect.gen(function*() {
        const built = yield* Effect.scoped(Effect.exit(afterHandler({}, { handlerTimeout: bad as never })))
        expect(Exit.isFailure(built)).toBe(true)
        if (Exit.isFailure(built)) expect(Cause.pretty(built.cause)).toContain("handlerTimeout")
      })
  )
})
