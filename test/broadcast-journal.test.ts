/**
 * One contract, three journal stores (memory, the embedded append-only file, a real Redis),
 * plus what only the persistent ones promise: a restart keeps everything, a write cut short by
 * a crash is dropped, an entry of another format version is a typed error.
 */
import { closeSync, fsyncSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync, writeSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { NodeFileSystem, NodePath } from "@effect/platform-node"
import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import { DouyinError } from "@effect-douyin/core"
import * as Redis from "@effect-douyin/core/Redis"
import { BroadcastJournal, MessageContent } from "@effect-douyin/group"
import * as BroadcastJournalRedis from "@effect-douyin/group/BroadcastJournalRedis"
import { Duration, Effect, Layer, Option, Schedule } from "effect"
import { Redis as IORedis } from "ioredis"
import { type RedisServer, startRedis } from "./support/RedisServer.js"

type Entry = BroadcastJournal.Entry

const plan = (id: string, n = 3): BroadcastJournal.Plan => ({
  id,
  createdAt: 1_700_000_000_000,
  contents: [
    MessageContent.text("hello"),
    MessageContent.appletCard({ cardTemplateId: "tpl", appId: "tt-app", path: "pages/index", query: { from: "broadcast" } })
  ],
  targets: Array.from(
    { length: n },
    (_, i) => i % 2 === 0 ? { openId: "op-a", groupId: `@g${i}==`, content: 0 } : { openId: "op-b", groupToken: `tok-${i}`, content: 1 }
  )
})

const inFlight = (attemptId: string): Entry => ({ _tag: "InFlight", attemptId, owner: "run-1", startedAt: 5 })
const pending: Entry = { _tag: "Pending" }

let redis: (RedisServer & { close: () => Promise<void> }) | undefined
beforeAll(async () => {
  redis = await startRedis()
}, 20_000)
afterAll(async () => {
  await redis?.close()
})

const fileSystem = Layer.merge(NodeFileSystem.layer, NodePath.layer)
const directories: Array<string> = []
afterAll(() => {
  for (const d of directories) rmSync(d, { recursive: true, force: true })
})
const newDirectory = () => {
  const d = mkdtempSync(join(tmpdir(), "broadcast-journal-"))
  directories.push(d)
  return d
}

let prefixes = 0
const redisLayer = (prefix = `t${++prefixes}:`) =>
  BroadcastJournalRedis.layer().pipe(Layer.provide(Redis.layer({ url: redis!.url, prefix })))

const stores: ReadonlyArray<readonly [string, () => Layer.Layer<BroadcastJournal.BroadcastJournal, unknown>]> = [
  ["memory", () => BroadcastJournal.layerMemory],
  ["file", () => BroadcastJournal.layerFileSystem(newDirectory()).pipe(Layer.provide(fileSystem))],
  ["redis", () => redisLayer()]
]

const Journal = BroadcastJournal.BroadcastJournal

for (const [name, make] of stores) {
  describe(`BroadcastJournal contract: ${name}`, () => {
    it.live("create writes the plan with every target Pending; creating again returns the existing plan and changes nothing", () =>
      Effect.gen(function*() {
        const journal = yield* Journal
        expect(yield* journal.plan("b")).toEqual(Option.none())
        expect(yield* journal.entries("b")).toEqual(new Map())
        expect(yield* journal.create(plan("b"))).toEqual(Option.none())
        expect(yield* journal.plan("b")).toEqual(Option.some(plan("b")))
        expect(yield* journal.entries("b")).toEqual(new Map([[0, pending], [1, pending], [2, pending]]))
        expect(yield* journal.compareAndSet("b", 1, pending, inFlight("x"))).toBe(true)
        const again = { ...plan("b"), createdAt: 1 }
        expect(yield* journal.create(again)).toEqual(Option.some(plan("b")))
        expect((yield* journal.entries("b")).get(1)).toEqual(inFlight("x"))
        // Other broadcasts are separate.
        expect(yield* journal.create(plan("c", 1))).toEqual(Option.none())
        expect((yield* journal.entries("c")).size).toBe(1)
      }).pipe(Effect.provide(make())))

    it.live("compareAndSet: replaces only the expected entry; a stale expectation changes nothing", () =>
      Effect.gen(function*() {
        const journal = yield* Journal
        yield* journal.create(plan("b"))
        expect(yield* journal.compareAndSet("b", 0, pending, inFlight("a1"))).toBe(true)
        expect(yield* journal.compareAndSet("b", 0, pending, inFlight("a2"))).toBe(false)
        expect(yield* journal.compareAndSet("b", 0, inFlight("other"), pending)).toBe(false)
        expect(yield* journal.compareAndSet("missing", 0, pending, inFlight("a3"))).toBe(false)
        expect(yield* journal.compareAndSet("b", 9, pending, inFlight("a3"))).toBe(false)
        const sent: Entry = { _tag: "Sent", attemptId: "a1", msgId: "@m1", marked: false, at: 7 }
        expect(yield* journal.compareAndSet("b", 0, inFlight("a1"), sent)).toBe(true)
        expect(yield* journal.entries("b")).toEqual(new Map<number, Entry>([[0, sent], [1, pending], [2, pending]]))
      }).pipe(Effect.provide(make())))

    it.live("typed errors survive the round trip, and a decoded entry is a valid expectation", () =>
      Effect.gen(function*() {
        const journal = yield* Journal
        yield* journal.create(plan("b"))
        const unknown: Entry = {
          _tag: "Unknown",
          attemptId: "a1",
          error: new DouyinError.DouyinOutcomeUnknown({
            endpoint: "group/SendGroupMessage",
            clientRequestId: "req-1",
            request: { method: "POST", path: "/im/send/msg/group/", query: { open_id: "op-a" }, body: { group_id: "@g0==" } },
            description: "socket hang up"
          }),
          description: "socket hang up",
          at: 9
        }
        const failed: Entry = {
          _tag: "Failed",
          attemptId: "a2",
          error: new DouyinError.DouyinQuotaError({
            endpoint: "group/SendGroupMessage",
            code: 2190001,
            description: "quota",
            logId: "log-1"
          }),
          at: 10
        }
        yield* journal.compareAndSet("b", 0, pending, unknown)
        yield* journal.compareAndSet("b", 1, pending, failed)
        const entries = yield* journal.entries("b")
        const readUnknown = entries.get(0)!
        const readFailed = entries.get(1)!
        expect(readUnknown._tag === "Unknown" && readUnknown.error instanceof DouyinError.DouyinOutcomeUnknown).toBe(true)
        expect(readFailed._tag === "Failed" && readFailed.error instanceof DouyinError.DouyinQuotaError).toBe(true)
        expect(readFailed._tag === "Failed" && readFailed.error.message).toContain("2190001")
        // What was read is accepted as the expected value (encoding is stable).
        expect(yield* journal.compareAndSet("b", 0, readUnknown, { _tag: "Pending" })).toBe(true)
        expect(yield* journal.compareAndSet("b", 1, readFailed, { _tag: "Pending" })).toBe(true)
      }).pipe(Effect.provide(make())))

    it.live("of 25 concurrent claims of one target exactly one wins", () =>
      Effect.gen(function*() {
        const journal = yield* Journal
        yield* journal.create(plan("b"))
        const wins = yield* Effect.forEach(
          Array.from({ length: 25 }, (_, i) => i),
          (i) => journal.compareAndSet("b", 2, pending, inFlight(`claim-${i}`)),
          { concurrency: "unbounded" }
        )
        expect(wins.filter((w) => w)).toHaveLength(1)
        const winner = wins.indexOf(true)
        expect((yield* journal.entries("b")).get(2)).toEqual(inFlight(`claim-${winner}`))
      }).pipe(Effect.provide(make())))

    it.live("lease: one owner at a time, re-entrant, renewable, released, and free again after its TTL", () =>
      Effect.gen(function*() {
        const journal = yield* Journal
        const ttl = Duration.millis(300)
        expect(yield* journal.acquireLease("b", "run-1", ttl)).toBe(true)
        expect(yield* journal.acquireLease("b", "run-2", ttl)).toBe(false)
        expect(yield* journal.acquireLease("b", "run-1", ttl)).toBe(true)
        expect(yield* journal.renewLease("b", "run-1", ttl)).toBe(true)
        expect(yield* journal.renewLease("b", "run-2", ttl)).toBe(false)
        expect(yield* journal.acquireLease("other", "run-2", ttl)).toBe(true)
        yield* journal.releaseLease("b", "run-2") // not the holder: no effect
        expect(yield* journal.acquireLease("b", "run-2", ttl)).toBe(false)
        yield* journal.releaseLease("b", "run-1")
        expect(yield* journal.acquireLease("b", "run-2", ttl)).toBe(true)
        // run-2 stops renewing: after the TTL the lease is free, and run-2 can no longer renew it.
        yield* Effect.sleep("450 millis")
        expect(yield* journal.renewLease("b", "run-2", ttl)).toBe(false)
        expect(yield* journal.acquireLease("b", "run-3", ttl)).toBe(true)
      }).pipe(Effect.provide(make())))
  })
}

describe("BroadcastJournal: embedded file store", () => {
  it.live("a restart (a new layer on the same directory) finds every plan and entry", () =>
    Effect.gen(function*() {
      const directory = newDirectory()
      const layer = () => BroadcastJournal.layerFileSystem(directory).pipe(Layer.provide(fileSystem))
      const sent: Entry = { _tag: "Sent", attemptId: "a", msgId: "@m", marked: false, at: 1 }
      yield* Effect.provide(
        Effect.flatMap(Journal, (j) => Effect.zipRight(j.create(plan("b")), j.compareAndSet("b", 0, pending, sent))),
        layer()
      )
      const [readPlan, entries] = yield* Effect.provide(
        Effect.flatMap(Journal, (j) => Effect.zip(j.plan("b"), j.entries("b"))),
        layer()
      )
      expect(readPlan).toEqual(Option.some(plan("b")))
      expect(entries.get(0)).toEqual(sent)
    }))

  it.live("a last line cut short by a crash is dropped (the state before it holds) and repaired before the next append", () =>
    Effect.gen(function*() {
      const directory = newDirectory()
      const layer = () => BroadcastJournal.layerFileSystem(directory).pipe(Layer.provide(fileSystem))
      yield* Effect.provide(
        Effect.flatMap(Journal, (j) => Effect.zipRight(j.create(plan("b")), j.compareAndSet("b", 0, pending, inFlight("a")))),
        layer()
      )
      const file = join(directory, "b.journal")
      // SIGKILL in the middle of appending the outcome: half a line, no newline.
      writeFileSync(file, readFileSync(file, "utf8") + `{"t":0,"e":"{\\"version\\":1,\\"state\\":{\\"_tag\\":\\"Se`)
      const entries = yield* Effect.provide(
        Effect.flatMap(Journal, (j) => Effect.zipRight(j.compareAndSet("b", 1, pending, inFlight("b")), j.entries("b"))),
        layer()
      )
      expect(entries.get(0)).toEqual(inFlight("a"))
      expect(entries.get(1)).toEqual(inFlight("b"))
      const lines = readFileSync(file, "utf8").split("\n")
      expect(lines.at(-1)).toBe("")
      expect(lines.slice(0, -1).every((l) => JSON.parse(l) !== undefined)).toBe(true)
    }))

  it.live("two instances on one directory (as two processes): each sees the other's changes; a target is claimed once; one lease", () =>
    Effect.gen(function*() {
      const directory = newDirectory()
      const layer = () => BroadcastJournal.layerFileSystem(directory).pipe(Layer.provide(fileSystem))
      const a = yield* Effect.provide(Journal, layer())
      const b = yield* Effect.provide(Journal, layer())
      yield* a.create(plan("b", 4))
      expect(yield* b.entries("b")).toEqual(new Map([0, 1, 2, 3].map((i) => [i, pending])))
      // a claims target 0; b, which read it Pending a moment ago, cannot claim it too.
      expect(yield* a.compareAndSet("b", 0, pending, inFlight("a"))).toBe(true)
      expect(yield* b.compareAndSet("b", 0, pending, inFlight("b"))).toBe(false)
      expect((yield* b.entries("b")).get(0)).toEqual(inFlight("a"))
      // Claims racing from both instances: each target won exactly once.
      const wins = yield* Effect.forEach(
        [1, 2, 3].flatMap((t) => [[a, t], [b, t]] as const),
        ([journal, t]) => journal.compareAndSet("b", t, pending, inFlight(`${t}`)),
        { concurrency: "unbounded" }
      )
      expect(wins.filter((w) => w)).toHaveLength(3)
      // The lease is one file: b cannot take what a holds until a releases it.
      expect(yield* a.acquireLease("b", "run-a", Duration.seconds(30))).toBe(true)
      expect(yield* b.acquireLease("b", "run-b", Duration.seconds(30))).toBe(false)
      yield* a.releaseLease("b", "run-a")
      expect(yield* b.acquireLease("b", "run-b", Duration.seconds(30))).toBe(true)
      expect(readdirSync(directory).sort()).toEqual(["b.journal", "b.lease"])
    }))

  it.live("each record is flushed (fsync) before it is reported written: the cost per send (two records)", () =>
    Effect.gen(function*() {
      const directory = newDirectory()
      const journal = yield* Effect.provide(Journal, BroadcastJournal.layerFileSystem(directory).pipe(Layer.provide(fileSystem)))
      const sends = 200
      yield* journal.create(plan("cost", sends))
      const sent = (i: number): Entry => ({ _tag: "Sent", attemptId: `${i}`, msgId: `@m${i}`, marked: false, at: 1 })
      const started = performance.now()
      for (let i = 0; i < sends; i++) {
        expect(yield* journal.compareAndSet("cost", i, pending, inFlight(`${i}`))).toBe(true)
        expect(yield* journal.compareAndSet("cost", i, inFlight(`${i}`), sent(i))).toBe(true)
      }
      const perSend = (performance.now() - started) / sends
      // The same two appends on the same file system, with and without fsync, for scale.
      const raw = (flush: boolean) => {
        const file = join(directory, `raw-${flush}`)
        const line = readFileSync(join(directory, "cost.journal"), "utf8").split("\n")[1] + "\n"
        const begin = performance.now()
        for (let i = 0; i < 2 * sends; i++) {
          const fd = openSync(file, "a")
          writeSync(fd, line)
          if (flush) fsyncSync(fd)
          closeSync(fd)
        }
        return (performance.now() - begin) / sends
      }
      const [plain, flushed] = [raw(false), raw(true)]
      console.log(
        `file journal: ${perSend.toFixed(3)} ms of journal writes per send (2 flushed records under the lock file); ` +
          `2 bare appends ${plain.toFixed(3)} ms, 2 appends + fsync ${flushed.toFixed(3)} ms: fsync costs ${
            (flushed - plain).toFixed(3)
          } ms per send`
      )
      expect((yield* journal.entries("cost")).get(sends - 1)).toEqual(sent(sends - 1))
      // Tolerance for a loaded machine: a send's network round trip is tens of milliseconds.
      expect(perSend).toBeLessThan(100)
    }), 120_000)

  it.live("an entry of another format version, or a corrupt line, is a typed BroadcastJournalError", () =>
    Effect.gen(function*() {
      const directory = newDirectory()
      const layer = () => BroadcastJournal.layerFileSystem(directory).pipe(Layer.provide(fileSystem))
      yield* Effect.provide(Effect.flatMap(Journal, (j) => j.create(plan("b"))), layer())
      const file = join(directory, "b.journal")
      writeFileSync(
        file,
        readFileSync(file, "utf8") + JSON.stringify({ t: 0, e: JSON.stringify({ version: 2, state: { _tag: "Pending" } }) }) + "\n"
      )
      const error = yield* Effect.flip(Effect.provide(Effect.flatMap(Journal, (j) => j.entries("b")), layer()))
      expect(error._tag).toBe("BroadcastJournalError")
      expect(error.message).toContain("format version 2; this code reads version 1")

      writeFileSync(file, readFileSync(file, "utf8").replace(/\n/, "\nnot json\n"))
      const corrupt = yield* Effect.flip(Effect.provide(Effect.flatMap(Journal, (j) => j.entries("b")), layer()))
      expect(corrupt._tag).toBe("BroadcastJournalError")
    }))
})

describe("BroadcastJournal: Redis store", () => {
  it.live("a new connection (another instance) sees the same journal; another prefix does not", () =>
    Effect.gen(function*() {
      yield* Effect.provide(
        Effect.flatMap(Journal, (j) => Effect.zipRight(j.create(plan("b")), j.compareAndSet("b", 2, pending, inFlight("x")))),
        redisLayer("shared:")
      )
      const entries = yield* Effect.provide(Effect.flatMap(Journal, (j) => j.entries("b")), redisLayer("shared:"))
      expect(entries.get(2)).toEqual(inFlight("x"))
      expect(yield* Effect.provide(Effect.flatMap(Journal, (j) => j.plan("b")), redisLayer("elsewhere:"))).toEqual(Option.none())
    }))

  it.live(
    "keys carry the retention TTL; another format version is a typed error; Redis down is a typed error",
    () =>
      Effect.gen(function*() {
        const client = new IORedis(redis!.url)
        yield* Effect.addFinalizer(() => Effect.sync(() => client.disconnect()))
        yield* Effect.provide(Effect.flatMap(Journal, (j) => j.create(plan("b"))), redisLayer("ttl:"))
        const ttl = yield* Effect.promise(() => client.pttl("ttl:broadcast:{b}:entries"))
        expect(ttl).toBeGreaterThan(29 * 24 * 3600 * 1000)
        yield* Effect.promise(() => client.hset("ttl:broadcast:{b}:entries", "0", JSON.stringify({ version: 9, state: {} })))
        const error = yield* Effect.flip(Effect.provide(Effect.flatMap(Journal, (j) => j.entries("b")), redisLayer("ttl:")))
        expect(error.message).toContain("format version 9")

        // Redis goes away mid-run: a typed error (no defect, no hang); back again, it works.
        const outage = yield* Effect.provide(
          Effect.gen(function*() {
            const journal = yield* Journal
            yield* Effect.promise(() => redis!.stop())
            const down = yield* Effect.flip(journal.compareAndSet("b", 1, pending, inFlight("y")))
            yield* Effect.promise(() => redis!.start())
            const up = yield* journal.plan("b").pipe(Effect.retry({ times: 20, schedule: Schedule.spaced("100 millis") }))
            return { down, up }
          }),
          redisLayer("ttl:")
        )
        expect(outage.down._tag).toBe("BroadcastJournalError")
        // Answered again (the test server keeps no data across its restart: the plan is gone).
        expect(outage.up).toEqual(Option.none())
      }).pipe(Effect.scoped),
    20_000
  )
})
