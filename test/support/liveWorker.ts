/**
 * One instance of an app built only from config, as its own OS process
 * (`node --import tsx test/support/liveWorker.ts`): `FanGroupLive.layerConfig()` and
 * `WebhookLive.layerConfig(…)` read every `DOUYIN_*` key from the environment (the base URL,
 * the credentials, `DOUYIN_REDIS_URL` / `DOUYIN_REDIS_PREFIX`, `DOUYIN_RATE_LIMIT_*`); no layer
 * is composed by hand. What the app does comes from `WORKER_*` keys (its own code's input):
 *
 * - `WORKER_MODE=authorize`: stores the tokens of the codes in `WORKER_CODES` (a JSON array).
 * - `WORKER_MODE=groups`: creates `WORKER_COUNT` groups of `WORKER_OPEN_ID`, prints them.
 * - `WORKER_MODE=calls`: prints `{"ready":true}`, waits for a line on stdin, then makes
 *   `WORKER_CALLS` quota reads at once over `WORKER_OPEN_IDS`; prints `{"ok":n,"errors":{…}}`.
 * - `WORKER_MODE=webhook`: serves the receiver on 127.0.0.1 (port 0), prints `{"port":…}`; each
 *   handled delivery prints `{"handled":<Msg-Id>}`.
 * - `WORKER_MODE=broadcast`: runs broadcast `WORKER_ID` over `WORKER_TARGETS` (a JSON file), or
 *   resumes it when there is none, with a lease of `WORKER_LEASE_TTL_MS`; one line per outcome,
 *   then the summary.
 */
import { HttpRouter, HttpServer } from "@effect/platform"
import { NodeContext, NodeHttpServer } from "@effect/platform-node"
import { TokenStore } from "@effect-douyin/core"
import { Broadcast, FanGroupQuota, MessageContent, WebhookHandler } from "@effect-douyin/group"
import { CreateFanGroup } from "@effect-douyin/group"
import * as FanGroupLive from "@effect-douyin/group/FanGroupLive"
import * as WebhookLive from "@effect-douyin/group/WebhookLive"
import { Duration, Effect, Layer, Option, Stream } from "effect"
import { createServer } from "node:http"
import { env, print, runOrResume } from "./worker.js"

const stdinLine = Effect.async<void>((resume) => {
  process.stdin.once("data", () => resume(Effect.void))
})

const Live = FanGroupLive.layerConfig().pipe(Layer.provide(NodeContext.layer))

const authorize = Effect.suspend(() =>
  Effect.forEach(JSON.parse(env("WORKER_CODES")) as ReadonlyArray<string>, (code) => TokenStore.authorize(code))
).pipe(Effect.zipRight(print({ authorized: true })), Effect.provide(Live))

const groups = Effect.suspend(() =>
  Effect.forEach(Array.from({ length: Number(env("WORKER_COUNT")) }, (_, i) => i), (i) =>
    Effect.map(
      CreateFanGroup.create({ openId: env("WORKER_OPEN_ID"), groupName: `fans ${i}`, description: "d", avatarUri: "https://a/b.png" }),
      ({ groupId }) => ({ openId: env("WORKER_OPEN_ID"), groupId })
    ))
).pipe(Effect.flatMap((targets) => print({ targets })), Effect.provide(Live))

const calls = Effect.gen(function*() {
  const openIds = JSON.parse(env("WORKER_OPEN_IDS")) as ReadonlyArray<string>
  yield* print({ ready: true })
  yield* stdinLine
  const results = yield* Effect.forEach(
    Array.from({ length: Number(env("WORKER_CALLS")) }, (_, i) => openIds[i % openIds.length]!),
    (openId) => Effect.either(FanGroupQuota.remaining({ openId })),
    { concurrency: "unbounded" }
  )
  const errors: Record<string, number> = {}
  for (const r of results) if (r._tag === "Left") errors[r.left._tag] = (errors[r.left._tag] ?? 0) + 1
  yield* print({ ok: results.filter((r) => r._tag === "Right").length, errors })
}).pipe(Effect.provide(Live))

const webhook = Effect.gen(function*() {
  const Receiver = WebhookLive.layerConfig({
    EntryApplicationChanged: (_event, delivery) => print({ handled: Option.getOrElse(delivery.msgId, () => "") })
  })
  const served = HttpRouter.empty.pipe(
    HttpRouter.post("/douyin/webhook", WebhookHandler.app),
    HttpServer.serve(),
    Layer.provideMerge(Receiver),
    Layer.provideMerge(NodeHttpServer.layer(() => createServer(), { port: 0, host: "127.0.0.1" }))
  )
  const context = yield* Layer.build(served)
  const address = yield* Effect.map(HttpServer.HttpServer, (s) => s.address).pipe(Effect.provide(context))
  yield* print({ port: address._tag === "TcpAddress" ? address.port : 0 })
  yield* stdinLine
}).pipe(Effect.scoped)

const broadcast = Effect.gen(function*() {
  const id = env("WORKER_ID")
  const options: Broadcast.RunOptions = {
    concurrency: 1,
    lease: { timeToLive: Duration.millis(Number(env("WORKER_LEASE_TTL_MS", "2000"))), whenBusy: "wait" }
  }
  const targetsFile = process.env["WORKER_TARGETS"]
  const outcomes = runOrResume(id, targetsFile, MessageContent.text("We are live!"), options)
  yield* print({ started: process.pid })
  yield* Stream.runForEach(outcomes, (o) => print({ outcome: o._tag, index: o.index, pid: process.pid }))
  const summary = yield* Broadcast.summary(id)
  yield* print({ summary: { sent: summary.sent, unknown: summary.unknown, failed: summary.failed, pending: summary.pending } })
}).pipe(Effect.provide(Live))

const modes: Record<string, Effect.Effect<void, unknown>> = { authorize, groups, calls, webhook, broadcast }
const program = modes[env("WORKER_MODE")]!

Effect.runPromise(program).then(
  () => process.exit(0),
  (error) => {
    process.stderr.write(`${String(error)}\n`)
    process.exit(1)
  }
)
