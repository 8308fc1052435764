// The app's client token shared by three OS processes through a real redis-server (the same
// TokenStore as user tokens), against the sandbox server, which keeps Douyin's rule: only the
// two newest client tokens are valid, an older one dies 5 minutes after a newer one is issued
// (at once when a second newer one is). Every process uploads images for a while, across
// several expiries of the (short-lived) token.
import { describe, expect, it } from "@effect/vitest"
import { Effect, Redacted } from "effect"
import * as Fs from "node:fs"
import * as Os from "node:os"
import * as Path from "node:path"
import type { Config as InstanceConfig } from "./support/instance.js"
import * as Instances from "./support/Instances.js"
import * as RedisServer from "./support/RedisServer.js"
import * as SandboxLoopback from "./support/sandboxServer.js"

const clientKey = "ck_client_token_instances"
const tokenPath = "/oauth/client_token/"
const uploadPath = "/tool/imagex/client_upload/"

const lifetimeMs = 4_000
const refreshBeforeMs = 1_000

/** Three upload processes against one sandbox server; `store` says where each keeps the token. */
const runThree = (store: (i: number) => Partial<InstanceConfig>, durationMs: number) =>
  Effect.gen(function*() {
    const { admin: sandbox, url } = yield* SandboxLoopback.scoped({
      clientKey,
      clientSecret: Redacted.make("instance-secret"),
      requestLogLimit: 10_000,
      clientTokenLifetime: lifetimeMs
    })
    const instances = [0, 1, 2].map((i) =>
      Instances.start({
        mode: "uploads",
        baseUrl: url,
        clientKey,
        waitForGo: true,
        durationMs,
        intervalMs: 100,
        clientRefreshBeforeMs: refreshBeforeMs,
        leaseTtlMs: 5_000,
        redisCommandTimeoutMs: 15_000,
        attemptTimeoutMs: 20_000,
        callTimeoutMs: 40_000,
        ...store(i)
      }, { timeoutMs: 120_000 })
    )
    yield* Effect.promise(() => Promise.all(instances.map((i) => i.line((l) => l.ready === true))))
    for (const i of instances) i.child.stdin!.end("go\n")
    const exits = yield* Effect.promise(() => Promise.all(instances.map((i) => i.exited)))
    const results = exits.map((e) => e.lines[e.lines.length - 1] as { ok: number; errors: Record<string, number> })
    const seen = yield* sandbox.requests
    const fetches = seen.filter((r) => r.path === tokenPath)
    const uploads = seen.filter((r) => r.path === uploadPath)
    const span = uploads[uploads.length - 1]!.at - fetches[0]!.at
    const gaps = fetches.slice(1).map((f, i) => f.at - fetches[i]!.at)
    console.log(
      `client token: ${fetches.length} fetches over ${span} ms of uploads (gaps ${gaps.join(", ")} ms); ` +
        `${uploads.length} uploads; per process ${results.map((r) => `${r.ok} ok ${JSON.stringify(r.errors)}`).join(" / ")}`
    )
    return { exits, results, fetches, uploads, span, gaps }
  })

describe("the client token across processes (real Redis)", () => {
  it.live(
    "3 processes uploading across several token lifetimes → one /oauth/client_token/ request per expiry in total; every upload succeeds",
    () =>
      Effect.scoped(Effect.gen(function*() {
        const redis = yield* RedisServer.scoped
        const { exits, fetches, gaps, results, span, uploads } = yield* runThree(() => ({ redisUrl: redis.url, prefix: "ct:" }), 10_000)
        for (const e of exits) {
          if (e.code !== 0 || e.stderr !== "") console.log(`instance exit ${e.code}: ${JSON.stringify(e.lines)} ${e.stderr.slice(0, 1500)}`)
        }
        // every upload succeeded, in every process
        for (const r of results) {
          expect(r.errors).toStrictEqual({})
          expect(r.ok).toBeGreaterThan(0)
        }
        expect(results.reduce((n, r) => n + r.ok, 0)).toBe(uploads.length)
        // one fetch per expiry: no two fetches closer than the time a token is used before it is
        // renewed (lifetime - refreshBefore; 250 ms tolerance for the stored expiry being
        // stamped when the answer arrived, after the sandbox issued it) ...
        for (const gap of gaps) expect(gap).toBeGreaterThanOrEqual(lifetimeMs - refreshBeforeMs - 250)
        // ... and at most one per such period over the whole run (plus the first)
        expect(fetches.length).toBeLessThanOrEqual(1 + Math.ceil(span / (lifetimeMs - refreshBeforeMs)))
        // the token did expire and was renewed during the run
        expect(fetches.length).toBeGreaterThanOrEqual(2)
      })),
    150_000
  )

  it.live(
    "the control: with a store per process, each process fetches its own token (three or more fetches within one period; each kills an older one)",
    () =>
      Effect.scoped(Effect.gen(function*() {
        const dirs = yield* Effect.acquireRelease(
          Effect.sync(() => [0, 1, 2].map(() => Fs.mkdtempSync(Path.join(Os.tmpdir(), "douyin-clt-")))),
          (ds) => Effect.sync(() => ds.forEach((d) => Fs.rmSync(d, { recursive: true, force: true })))
        )
        const { fetches } = yield* runThree((i) => ({ tokenDir: dirs[i] }), 2_000)
        // what the shared store prevents: more than one fetch in the first period
        const early = fetches.filter((f) => f.at - fetches[0]!.at < lifetimeMs - refreshBeforeMs - 250)
        expect(early.length).toBeGreaterThanOrEqual(3)
      })),
    150_000
  )
})
