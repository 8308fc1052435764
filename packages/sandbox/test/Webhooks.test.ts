// The webhooks the sandbox sends, end to end over real loopback sockets: the sandbox server
// delivers each of the four group events to the SDK's own receiver (WebhookHandler), which
// checks the signature with the SDK's checker and runs each handler once per Msg-Id; a receiver
// that fails twice gets the third delivery.
import { HttpRouter, HttpServer, HttpServerRequest, HttpServerResponse } from "@effect/platform"
import { NodeHttpServer } from "@effect/platform-node"
import { WebhookConfig, WebhookDedupe, WebhookHandler, WebhookSignature } from "@effect-douyin/group"
import { describe, expect, it } from "@effect/vitest"
import { Context, Effect, Layer, Logger, LogLevel, Redacted, Ref, Schedule } from "effect"
import { createServer } from "node:http"
import { FanGroupSandbox, SandboxWebhook } from "../src/index.js"
import * as SandboxServer from "../src/SandboxServer.js"

const secret = Redacted.make("app-secret-for-webhooks")

interface Seen {
  readonly body: string
  readonly headers: Readonly<Record<string, string>>
  readonly answered: number
}

/** The SDK's receiver on a real socket, behind a front that fails the first `failFirst` requests. */
const receiver = (failFirst: number) =>
  Effect.gen(function*() {
    const handled = yield* Ref.make<ReadonlyArray<string>>([])
    const seen = yield* Ref.make<ReadonlyArray<Seen>>([])
    const failures = yield* Ref.make(failFirst)
    const record = (tag: string) => (_: unknown, d: WebhookHandler.Delivery) =>
      Ref.update(handled, (all) => [...all, `${tag} ${d.msgId._tag === "Some" ? d.msgId.value : "-"}`])
    const handlerLayer = WebhookHandler.layer({
      EntryApplicationChanged: record("EntryApplicationChanged"),
      GroupFanJoined: record("GroupFanJoined"),
      GroupMessageReceived: record("GroupMessageReceived"),
      GroupMessageSent: record("GroupMessageSent")
    }).pipe(Layer.provide([WebhookConfig.layer({ clientSecret: secret }), WebhookDedupe.layer]))
    const front = Effect.gen(function*() {
      const request = yield* HttpServerRequest.HttpServerRequest
      const handler = yield* WebhookHandler.WebhookHandler
      const body = yield* Effect.orDie(request.text)
      const headers = { ...request.headers }
      const fail = yield* Ref.modify(failures, (n) => [n > 0, Math.max(0, n - 1)] as const)
      if (fail) {
        yield* Ref.update(seen, (all) => [...all, { body, headers, answered: 500 }])
        return HttpServerResponse.text("receiver down", { status: 500 })
      }
      const reply = yield* handler.handle({ body: new TextEncoder().encode(body), headers })
      yield* Ref.update(seen, (all) => [...all, { body, headers, answered: reply.status }])
      return HttpServerResponse.unsafeJson(reply.body, { status: reply.status })
    })
    const context = yield* Layer.build(
      HttpRouter.empty.pipe(
        HttpRouter.post("/webhooks/douyin", front),
        HttpServer.serve(),
        Layer.provideMerge(handlerLayer),
        Layer.provideMerge(NodeHttpServer.layer(() => createServer(), { port: 0, host: "127.0.0.1" }))
      )
    )
    const address = Context.get(context, HttpServer.HttpServer).address
    if (address._tag !== "TcpAddress") throw new Error("expected a TCP address")
    return {
      url: `http://127.0.0.1:${address.port}/webhooks/douyin`,
      handled,
      seen,
      idle: Context.get(context, WebhookHandler.WebhookHandler).awaitIdle
    }
  })

/** Polls `effect` every 50 ms until `done` holds (at most 20 s) and returns that value. */
const waitFor = <A, E>(effect: Effect.Effect<A, E>, done: (a: A) => boolean) =>
  effect.pipe(
    Effect.filterOrFail(done, () => "not yet" as const),
    Effect.retry(Schedule.spaced("50 millis")),
    Effect.timeout("20 seconds")
  )

const json = (body: unknown, token: string) => ({
  method: "POST",
  headers: { "content-type": "application/json", "access-token": token },
  body: JSON.stringify(body)
})

describe("webhooks the sandbox sends (real sockets, the SDK's receiver)", () => {
  it.scopedLive("the four events reach WebhookHandler signed, once per Msg-Id; the first is redelivered after two failures", () =>
    Effect.gen(function*() {
      const app = yield* receiver(2)
      const server = yield* Layer.build(
        SandboxServer.layer({ clientSecret: secret, webhook: { url: app.url, retryDelay: "100 millis", timeout: "5 seconds" } })
      )
      const sandbox = Context.get(server, FanGroupSandbox.FanGroupSandbox)
      const address = Context.get(server, HttpServer.HttpServer).address
      if (address._tag !== "TcpAddress") throw new Error("expected a TCP address")
      const base = `http://127.0.0.1:${address.port}`
      const [creator] = yield* sandbox.seed({
        creators: [{ open_id: "creator-1", groups: [{ group_name: "Fans", open_audit_switch: 1 }] }]
      })
      const groupId = (yield* sandbox.snapshot).groups[0]!.groupId

      // 1. a join application (admin) → enter_group_audit_change (pending); redelivered twice
      const application = yield* sandbox.applyToJoin({ groupId, userId: "fan-1" })
      yield* waitFor(sandbox.deliveries, (ds) => ds[0]?.status === "delivered")
      // 2. the owner approves over the wire → enter_group_audit_change (approved) + group_fans_event
      const approved = yield* Effect.promise(() =>
        fetch(
          `${base}/im/group/enter/audit/set/?open_id=creator-1`,
          json({ apply_id: application.applyId, status: 2 }, creator!.accessToken)
        ).then((r) => r.json())
      )
      expect(approved).toMatchObject({ data: { error_code: 0 }, success: true })
      // 3. the app sends → im_group_send_msg
      const sent = yield* Effect.promise(() =>
        fetch(
          `${base}/im/send/msg/group/?open_id=creator-1`,
          json({ group_id: groupId, content: { msg_type: 1, text: { text: "hello fans" } } }, creator!.accessToken)
        ).then((r) => r.json())
      )
      expect(sent.data.error_code).toBe(0)
      // 4. a member posts → im_group_receive_msg
      yield* sandbox.postAsMember({ groupId, userId: "fan-1", text: "hi!" })

      const deliveries = yield* waitFor(sandbox.deliveries, (ds) => ds.length === 5 && ds.every((d) => d.status === "delivered"))
      yield* app.idle
      expect(deliveries.map((d) => [d.event, d.attempts, d.lastStatus])).toEqual([
        ["enter_group_audit_change", 3, 200],
        ["enter_group_audit_change", 1, 200],
        ["group_fans_event", 1, 200],
        ["im_group_send_msg", 1, 200],
        ["im_group_receive_msg", 1, 200]
      ])
      expect(new Set(deliveries.map((d) => d.msgId)).size).toBe(5)

      // The handler ran once per Msg-Id, for each of the four events.
      const handled = yield* Ref.get(app.handled)
      expect(handled).toEqual([
        `EntryApplicationChanged ${deliveries[0]!.msgId}`,
        `EntryApplicationChanged ${deliveries[1]!.msgId}`,
        `GroupFanJoined ${deliveries[2]!.msgId}`,
        `GroupMessageSent ${deliveries[3]!.msgId}`,
        `GroupMessageReceived ${deliveries[4]!.msgId}`
      ])

      // Every request carried the same bytes per Msg-Id, signed: the SDK's checker verifies them.
      const seen = yield* Ref.get(app.seen)
      expect(seen.map((s) => s.answered)).toEqual([500, 500, 200, 200, 200, 200, 200])
      for (const s of seen) {
        expect(s.headers["content-type"]).toBe("application/json")
        expect(WebhookSignature.verify(secret, s.body, s.headers["x-douyin-signature"])).toBe(true)
        expect(WebhookSignature.verify(Redacted.make("another-secret"), s.body, s.headers["x-douyin-signature"])).toBe(false)
      }
      expect(new Set(seen.slice(0, 3).map((s) => s.headers["msg-id"]))).toEqual(new Set([deliveries[0]!.msgId]))
      expect(new Set(seen.slice(0, 3).map((s) => s.body)).size).toBe(1)
      expect(JSON.parse(seen[2]!.body)).toMatchObject({
        event: "enter_group_audit_change",
        client_key: FanGroupSandbox.defaultClientKey,
        from_user_id: "fan-1",
        to_user_id: "creator-1"
      })

      // Douyin's retry of a delivered Msg-Id: acknowledged as a duplicate, the handler does not run again.
      const again = yield* Effect.promise(() =>
        fetch(app.url, {
          method: "POST",
          headers: {
            "content-type": "application/json",
            "x-douyin-signature": seen[2]!.headers["x-douyin-signature"]!,
            "msg-id": seen[2]!.headers["msg-id"]!
          },
          body: seen[2]!.body
        }).then((r) => r.status)
      )
      expect(again).toBe(200)
      yield* app.idle
      expect(yield* Ref.get(app.handled)).toHaveLength(5)
    }).pipe(Logger.withMinimumLogLevel(LogLevel.Error)))

  it.scopedLive("a receiver that never answers 2xx: 1 delivery + 3 redeliveries, then failed in the log", () =>
    Effect.gen(function*() {
      const app = yield* receiver(100)
      const server = yield* Layer.build(
        SandboxServer.layer({ clientSecret: secret, webhook: { url: app.url, retryDelay: "50 millis" } })
      )
      const sandbox = Context.get(server, FanGroupSandbox.FanGroupSandbox)
      yield* sandbox.seed({ creators: [{ open_id: "creator-1", groups: [{ group_name: "Fans" }] }] })
      const groupId = (yield* sandbox.snapshot).groups[0]!.groupId
      yield* sandbox.applyToJoin({ groupId, userId: "fan-2" })
      const [delivery] = yield* waitFor(sandbox.deliveries, (ds) => ds[0]?.status === "failed")
      expect(delivery).toMatchObject({ event: "group_fans_event", status: "failed", attempts: 4, lastStatus: 500 })
      expect((yield* Ref.get(app.seen)).length).toBe(4)
      expect(yield* Ref.get(app.handled)).toEqual([])
    }).pipe(Logger.withMinimumLogLevel(LogLevel.Error)))
})

describe("webhook test helpers", () => {
  it.effect("each constructor gives a payload the SDK decodes; sign() gives headers the SDK's receiver accepts", () =>
    Effect.gen(function*() {
      const handled = yield* Ref.make<ReadonlyArray<string>>([])
      const note = (tag: string) => () => Ref.update(handled, (all) => [...all, tag])
      const context = yield* Layer.build(
        WebhookHandler.layer({
          EntryApplicationChanged: note("EntryApplicationChanged"),
          GroupFanJoined: note("GroupFanJoined"),
          GroupMessageReceived: note("GroupMessageReceived"),
          GroupMessageSent: note("GroupMessageSent")
        }).pipe(Layer.provide([WebhookConfig.layer({ clientSecret: secret }), WebhookDedupe.layer]))
      )
      const handler = Context.get(context, WebhookHandler.WebhookHandler)
      const common = { clientKey: "ck", ownerOpenId: "owner", groupId: "@g==", createTime: 1_700_000_000_000 }
      const message = { ...common, senderOpenId: "fan", msgId: "@m==", message: { type: "text" as const, text: "hi" } }
      const payloads = [
        SandboxWebhook.enterGroupAuditChange({ ...common, applicantOpenId: "fan", applyId: "@a==", applyStatus: 1 }),
        SandboxWebhook.groupFansEvent({ ...common, memberOpenId: "fan", groupType: 5 }),
        SandboxWebhook.imGroupReceiveMsg(message),
        SandboxWebhook.imGroupSendMsg(message)
      ]
      for (const [i, payload] of payloads.entries()) {
        const delivery = SandboxWebhook.sign(payload, secret, { msgId: `m-${i}` })
        const reply = yield* handler.handle({ body: new TextEncoder().encode(delivery.body), headers: delivery.headers })
        expect(reply.outcome).toBe("acknowledged")
        const forged = SandboxWebhook.sign(payload, Redacted.make("wrong"), { msgId: `x-${i}` })
        expect((yield* handler.handle({ body: new TextEncoder().encode(forged.body), headers: forged.headers })).outcome).toBe(
          "rejected"
        )
      }
      yield* handler.awaitIdle
      expect(yield* Ref.get(handled)).toEqual(["EntryApplicationChanged", "GroupFanJoined", "GroupMessageReceived", "GroupMessageSent"])
    }).pipe(Effect.scoped, Logger.withMinimumLogLevel(LogLevel.Error)))
})
