/**
 * Broadcasts in real OS processes (`tsx test/support/broadcastWorker.ts`) against the sandbox
 * server on a loopback socket:
 *
 * - crash: a process (`node --import tsx`, so the signal reaches the broadcast itself) broadcasting to 200 groups (file journal) is SIGKILLed part way; a second
 *   process resumes. Every group got the message exactly once, or is listed unknown; the
 *   sandbox's message log shows no group got it twice.
 * - many instances: the same with a Redis journal, and after the kill two processes resume at
 *   once: the broadcast lease lets one run (the other waits, then finds nothing left); no
 *   target is sent twice.
 * - one runner across processes on the file journal: after the kill two processes resume at
 *   once (`whenBusy: "fail"`, released together by a start file once both are loaded): one
 *   sends, the other fails with `BroadcastBusy` having sent nothing; no group gets it twice.
 *
 * Sends get 25 ms of server latency so that sends are in flight when the kill lands. Bounded:
 * each process has a 120 s timeout and the kill waits at most 90 s for progress (generous: a
 * `tsx` start takes seconds on a loaded 2-core machine).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { describe, expect, it } from "@effect/vitest"
import { type Broadcast } from "@effect-douyin/group"
import { FanGroupSandbox } from "@effect-douyin/sandbox"
import { Effect } from "effect"
import * as SandboxServer from "@effect-douyin/sandbox/SandboxServer"
import * as Instances from "./support/Instances.js"
import * as RedisServer from "./support/RedisServer.js"
import { createGroups } from "./support/sandboxGroups.js"

const worker = "test/support/broadcastWorker.ts"

type Run = Instances.Instance

/**
 * A worker with `env` added to this process's environment, killed (SIGKILL) after 120 s. It runs
 * under `node --import tsx`, not the `tsx` binary: that one forks a second node, and SIGKILL
 * would reach only the wrapper while the broadcast kept running.
 */
const start = (env: Record<string, string>): Run =>
  Instances.startScript(worker, [], { env: { ...process.env, ...env }, timeoutMs: 120_000 })

const summaryOf = (run: Run) =>
  run.lines.find((l) => "summary" in l)?.["summary"] as Broadcast.Summary & {
    readonly unknownTargets: ReadonlyArray<number>
  }

/** `n` groups over four creators; written to a targets file for the worker. */
const setUp = (url: string, n: number, directory: string) =>
  Effect.gen(function*() {
    const sandbox = yield* FanGroupSandbox.FanGroupSandbox
    const targets = yield* createGroups(url, n, ["creator-a", "creator-b", "creator-c", "creator-d"])
    const file = join(directory, "targets.json")
    writeFileSync(file, JSON.stringify(targets))
    yield* sandbox.inject(FanGroupSandbox.latency("25 millis", { route: "POST /im/send/msg/group/" }))
    return { targets, file }
  })

const messagesPerGroup = Effect.map(
  Effect.flatMap(FanGroupSandbox.FanGroupSandbox, (s) => s.snapshot),
  (snapshot) => {
    const counts = new Map<string, number>()
    for (const m of snapshot.messages) counts.set(m.groupId, (counts.get(m.groupId) ?? 0) + 1)
    return { counts, total: snapshot.messages.length }
  }
)

/** SIGKILLs `run` once the server has at least `after` messages (polled every 5 ms, at most 90 s). */
const killAfter = (run: Run, after: number) =>
  Effect.gen(function*() {
    for (let i = 0; i < 18_000; i++) {
      if ((yield* messagesPerGroup).total >= after) break
      yield* Effect.sleep("5 millis")
    }
    run.child.kill("SIGKILL")
    const exit = yield* Effect.promise(() => run.exited)
    return { exit, atKill: (yield* messagesPerGroup).total }
  })

const temporaryDirectory = Effect.acquireRelease(
  Effect.sync(() => mkdtempSync(join(tmpdir(), "broadcast-crash-"))),
  (d) => Effect.sync(() => rmSync(d, { recursive: true, force: true }))
)

/** Every group once, or unknown; none twice. */
const checkDelivery = (
  targets: ReadonlyArray<{ readonly groupId: string }>,
  counts: ReadonlyMap<string, number>,
  summary: ReturnType<typeof summaryOf>
) => {
  const unknown = new Set(summary.unknownTargets)
  const twice = targets.filter((t) => (counts.get(t.groupId) ?? 0) > 1)
  expect(twice).toEqual([])
  const missing = targets.filter((t, i) => counts.get(t.groupId) !== 1 && !unknown.has(i))
  expect(missing).toEqual([])
  expect(summary).toMatchObject({ total: targets.length, pending: 0, inFlight: 0, failed: 0 })
  expect(summary.sent + summary.unknown).toBe(targets.length)
}

describe("Broadcast across processes", () => {
  it.live(
    "crash: SIGKILL part way through 200 groups, resume in a new process: each group once or listed unknown",
    () =>
      Effect.gen(function*() {
        const url = yield* SandboxServer.url
        const directory = yield* temporaryDirectory
        const { file, targets } = yield* setUp(url, 200, directory)
        const env = { BASE_URL: url, JOURNAL: `file:${join(directory, "journal")}`, ID: "launch-200", CONCURRENCY: "8" }

        const first = start({ ...env, TARGETS: file })
        const { atKill, exit } = yield* killAfter(first, 60)
        expect(exit.signal).toBe("SIGKILL")
        const outcomesBeforeKill = first.lines.length

        const second = start(env)
        const done = yield* Effect.promise(() => second.exited)
        expect(done.code, done.stderr).toBe(0)
        const summary = summaryOf(second)
        const { counts, total } = yield* messagesPerGroup
        checkDelivery(targets, counts, summary)
        // Only orphans of the killed run are unknown: at most the 8 sends it had in flight.
        expect(summary.unknown).toBeGreaterThan(0)
        expect(summary.unknown).toBeLessThanOrEqual(8)
        // The logs say which targets are unknown and why.
        expect(second.logs.filter((l) => l.includes("outcome unknown for target"))).toHaveLength(summary.unknown)
        expect(second.logs.find((l) => l.includes("outcome unknown"))).toContain("in flight when its run")
        const resumedSends = second.lines.filter((l) => l["outcome"] === "Sent").length
        console.log(
          `crash figures: ${atKill} messages at the server when killed, ${outcomesBeforeKill} outcomes printed by the killed run; ` +
            `resume sent ${resumedSends} and listed ${summary.unknown} unknown (targets ${summary.unknownTargets.join(", ")}); ` +
            `final: ${summary.sent} sent, ${summary.unknown} unknown, ${total} messages in the sandbox for 200 groups, none twice`
        )
      }).pipe(Effect.scoped, Effect.provide(SandboxServer.layer({ lenient: true }))),
    240_000
  )

  it.live(
    "many instances (Redis journal + lease): after a SIGKILL two processes resume at once; no target is sent twice",
    () =>
      Effect.gen(function*() {
        const url = yield* SandboxServer.url
        const redis = yield* RedisServer.scoped
        const directory = yield* temporaryDirectory
        const { file, targets } = yield* setUp(url, 120, directory)
        const env = {
          BASE_URL: url,
          JOURNAL: `redis:${redis.url}`,
          PREFIX: "crash:",
          ID: "launch-redis",
          CONCURRENCY: "8",
          LEASE_TTL_MS: "5000"
        }

        const first = start({ ...env, TARGETS: file })
        const { atKill } = yield* killAfter(first, 30)
        // Two instances resume at once; the dead run's lease holds them off until it ends.
        const b = start(env)
        const c = start(env)
        const [doneB, doneC] = yield* Effect.promise(() => Promise.all([b.exited, c.exited]))
        expect(doneB.code, doneB.stderr).toBe(0)
        expect(doneC.code, doneC.stderr).toBe(0)
        const sentBy = (run: Run) => run.lines.filter((l) => l["outcome"] === "Sent").map((l) => l["index"] as number)
        const both = sentBy(b).filter((i) => sentBy(c).includes(i))
        expect(both).toEqual([])
        const summary = summaryOf(b)
        expect(summaryOf(c)).toMatchObject({ sent: summary.sent, unknown: summary.unknown })
        const { counts, total } = yield* messagesPerGroup
        checkDelivery(targets, counts, summary)
        console.log(
          `redis figures: ${atKill} messages when killed; resumers sent ${sentBy(b).length} + ${sentBy(c).length} ` +
            `(overlap ${both.length}); ${summary.unknown} unknown; ${total} messages for 120 groups, none twice`
        )
      }).pipe(Effect.scoped, Effect.provide(SandboxServer.layer({ lenient: true }))),
    240_000
  )

  it.live(
    "file journal, one runner across processes: after a SIGKILL two processes resume at once; one sends, the other gets BroadcastBusy; no group twice",
    () =>
      Effect.gen(function*() {
        const url = yield* SandboxServer.url
        const directory = yield* temporaryDirectory
        const { file, targets } = yield* setUp(url, 300, directory)
        const env = {
          BASE_URL: url,
          JOURNAL: `file:${join(directory, "journal")}`,
          ID: "launch-file-300",
          CONCURRENCY: "8",
          WHEN_BUSY: "fail"
        }

        const first = start({ ...env, TARGETS: file })
        const { atKill } = yield* killAfter(first, 60)
        const go = join(directory, "go")
        const b = start({ ...env, GO: go })
        const c = start({ ...env, GO: go })
        // Both loaded (tsx compiles for seconds on a loaded machine), then released together.
        for (let i = 0; i < 18_000 && !(b.lines.some((l) => "ready" in l) && c.lines.some((l) => "ready" in l)); i++) {
          yield* Effect.sleep("5 millis")
        }
        writeFileSync(go, "")
        const [doneB, doneC] = yield* Effect.promise(() => Promise.all([b.exited, c.exited]))
        const sentBy = (run: Run) => run.lines.filter((l) => l["outcome"] === "Sent").length
        const { counts, total } = yield* messagesPerGroup
        const twice = targets.filter((t) => (counts.get(t.groupId) ?? 0) > 1).length
        const journalLines = readFileSync(join(directory, "journal", "launch-file-300.journal"), "utf8").split("\n").length
        console.log(
          `file journal, two resumers: ${atKill} messages when killed; resumers sent ${sentBy(b)} + ${sentBy(c)} ` +
            `(exit ${doneB.code} / ${doneC.code}, errors ${JSON.stringify([...b.lines, ...c.lines].filter((l) => "error" in l))}); ` +
            `${total} messages for 300 groups, ${twice} groups got it twice; journal ${journalLines} lines`
        )
        expect(twice).toBe(0)
        const [winner, loser] = doneB.code === 0 ? [b, c] : [c, b]
        expect([doneB.code, doneC.code].sort(), doneB.stderr + doneC.stderr).toEqual([0, 3])
        expect(loser.lines.filter((l) => "error" in l)).toEqual([{ error: "BroadcastBusy" }])
        expect(sentBy(loser)).toBe(0)
        checkDelivery(targets, counts, summaryOf(winner))
      }).pipe(Effect.scoped, Effect.provide(SandboxServer.layer({ lenient: true }))),
    240_000
  )
})
