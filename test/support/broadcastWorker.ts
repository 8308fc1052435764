/**
 * One broadcast run as its own OS process, for the crash and many-instance tests
 * (`node --import tsx test/support/broadcastWorker.ts`). Sends through the real client over a socket to
 * the sandbox server at BASE_URL; the journal is a directory (`JOURNAL=file:<dir>`) or Redis
 * (`JOURNAL=redis:<url>`, key prefix PREFIX). With TARGETS (a JSON file of targets) it runs
 * the broadcast ID, else it resumes ID. Prints one JSON line per outcome, then the summary.
 *
 * Env: BASE_URL, JOURNAL, ID, TARGETS?, PREFIX?, CONCURRENCY (default 8), LEASE_TTL_MS (default 30000),
 * WHEN_BUSY (`wait` or `fail`, default `wait`), GO? (a file: once loaded the worker prints
 * `{"ready":pid}` and starts only when the file exists, so that several workers start at once).
 * A broadcast that fails as a whole prints `{"error":<_tag>}` and exits with code 3.
 */
import { existsSync } from "node:fs"
import { NodeFileSystem, NodeHttpClient, NodePath } from "@effect/platform-node"
import { AccessToken, DouyinClient, DouyinConfig, RateLimit, Retry } from "@effect-douyin/core"
import * as Redis from "@effect-douyin/core/Redis"
import * as BroadcastJournalRedis from "@effect-douyin/group/BroadcastJournalRedis"
import { Broadcast, BroadcastJournal, MessageContent, SendGroupMessage } from "@effect-douyin/group"
import { FanGroupSandbox } from "@effect-douyin/sandbox"
import { Duration, Effect, Layer, Redacted, Stream } from "effect"
import { env, print, runOrResume } from "./worker.js"

const journalSpec = env("JOURNAL")
const Journal: Layer.Layer<BroadcastJournal.BroadcastJournal, unknown> = journalSpec.startsWith("redis:")
  ? BroadcastJournalRedis.layer().pipe(
    Layer.provide(Redis.layer({ url: journalSpec.slice("redis:".length), prefix: env("PREFIX", "bw:") }))
  )
  : BroadcastJournal.layerFileSystem(journalSpec.slice("file:".length)).pipe(
    Layer.provide(Layer.merge(NodeFileSystem.layer, NodePath.layer))
  )

const Send = SendGroupMessage.layer.pipe(
  Layer.provide(DouyinClient.layer),
  Layer.provide(Retry.layerDisabled),
  Layer.provide(RateLimit.layerDisabled),
  Layer.provide(NodeHttpClient.layerUndici),
  Layer.provide(DouyinConfig.layer({ baseUrl: env("BASE_URL") })),
  Layer.provide(AccessToken.layerStatic(Redacted.make(FanGroupSandbox.defaultToken)))
)

const id = env("ID")
const options: Broadcast.RunOptions = {
  concurrency: Number(env("CONCURRENCY", "8")),
  lease: {
    timeToLive: Duration.millis(Number(env("LEASE_TTL_MS", "30000"))),
    whenBusy: env("WHEN_BUSY", "wait") === "fail" ? "fail" : "wait"
  }
}
const targetsFile = process.env["TARGETS"]
const outcomes = runOrResume(id, targetsFile, MessageContent.text("We are live in 10 minutes!"), options)

const program = outcomes.pipe(
  Stream.runForEach((o) => print({ outcome: o._tag, index: o.index, ...(o._tag === "Sent" ? { msgId: o.msgId } : {}), pid: process.pid })),
  Effect.zipRight(Broadcast.summary(id)),
  Effect.flatMap((s) =>
    print({ summary: { ...s, unknownTargets: s.unknownTargets.map((u) => u.index), failedTargets: s.failedTargets.map((f) => f.index) } })
  )
)

const go = process.env["GO"]
const ready = go === undefined ? Promise.resolve() : new Promise<void>((resolve) => {
  process.stdout.write(JSON.stringify({ ready: process.pid }) + "\n")
  // Bounded by the spawn timeout of the test.
  const poll = setInterval(() => {
    if (existsSync(go)) {
      clearInterval(poll)
      resolve()
    }
  }, 2)
})

// Exit explicitly: the HTTP client's keep-alive sockets would hold the process open.
const failed = (e: { readonly _tag: string }) => Effect.zipRight(print({ error: e._tag }), Effect.sync(() => process.exit(3)))
ready.then(() => Effect.runPromise(program.pipe(Effect.catchAll(failed), Effect.provide(Layer.merge(Send, Journal))))).then(
  () => process.exit(0),
  (e) => {
    process.stderr.write(String(e) + "\n")
    process.exit(1)
  }
)
