// The many-instance rows of the fault matrix (docs/reliability.md#fault-matrix, rows 16 and 18–21): every
// instance is its own OS process (test/support/instance.ts, spawned with `node --import tsx`),
// state is shared through a real redis-server (or a directory), and the server is the sandbox
// on a loopback socket, whose request log counts what reached it. Every process is killed at
// its deadline; every wait is bounded.
import { NodeHttpClient } from "@effect/platform-node"
import { DouyinConfig, OAuth, TokenStore } from "@effect-douyin/core"
import * as Redis from "@effect-douyin/core/Redis"
import * as TokenStoreRedis from "@effect-douyin/core/TokenStoreRedis"
import { WebhookSignature } from "@effect-douyin/group"
import { FanGroupSandbox } from "@effect-douyin/sandbox"
import { describe, expect, it } from "@effect/vitest"
import { Effect, Layer, Option, Redacted } from "effect"
import * as Fs from "node:fs"
import * as Os from "node:os"
import * as Path from "node:path"
import * as Instances from "./support/Instances.js"
import * as Loopback from "./support/LoopbackServer.js"
import * as RedisServer from "./support/RedisServer.js"
import * as SandboxLoopback from "./support/sandboxServer.js"

const clientKey = "ck_instances"
const refreshPath = "/oauth/refresh_token/"

/** The sandbox over loopback: its admin, its request log, its URL. */
const sandbox = Effect.gen(function*() {
  const { admin: service, url } = yield* SandboxLoopback.scoped({
    requestLogLimit: 10_000,
    clientKey,
    clientSecret: Redacted.make("instance-secret")
  })
  const requestsSince = (n: number) => Effect.map(service.requests, (all) => all.slice(n))
  return { url, admin: service, requests: service.requests, requestsSince }
})

const redisStore = (url: string, prefix: string) => TokenStoreRedis.layer().pipe(Layer.provide(Redis.layer({ url, prefix })))

/** The creators authorize the app (sandbox OAuth); their tokens go to `store`. */
const authorizeAll = (
  url: string,
  admin: FanGroupSandbox.Admin,
  openIds: ReadonlyArray<string>,
  store: Layer.Layer<TokenStore.TokenStore, unknown>
) =>
  Effect.forEach(openIds, (openId) => Effect.flatMap(admin.authorize({ openId }), TokenStore.authorize)).pipe(
    Effect.provide(Layer.merge(
      store,
      OAuth.layer({ clientKey, clientSecret: Redacted.make("instance-secret") }).pipe(
        Layer.provide(DouyinConfig.layer({ baseUrl: url })),
        Layer.provide(NodeHttpClient.layer)
      )
    ))
  )

const tempDir = Effect.acquireRelease(
  Effect.sync(() => Fs.mkdtempSync(Path.join(Os.tmpdir(), "douyin-instances-"))),
  (dir) => Effect.sync(() => Fs.rmSync(dir, { recursive: true, force: true }))
)

describe("many instances (separate processes, real Redis)", () => {
  it.live(
    "row 16: 3 processes × 100 concurrent calls, every token expired → one refresh per open_id in total; all 300 succeed",
    () =>
      Effect.scoped(Effect.gen(function*() {
        const redis = yield* RedisServer.scoped
        const { admin, requests, requestsSince, url } = yield* sandbox
        const openIds = ["alice", "bob", "carol"]
        yield* authorizeAll(url, admin, openIds, redisStore(redis.url, "r16:"))
        for (const openId of openIds) yield* admin.expireTokens(openId)
        const before = (yield* requests).length
        // All three start their calls together, once each has started up.
        const instances = yield* Effect.all([1, 2, 3].map(() =>
          Instances.scoped({
            mode: "calls",
            baseUrl: url,
            clientKey,
            redisUrl: redis.url,
            prefix: "r16:",
            openIds,
            calls: 100,
            waitForGo: true,
            // 300 calls in 3 processes at a load of 20+ on 2 cores starve every event loop (the
            // sandbox's too): answers arrive, but later than the default 2 s / 10 s budgets.
            redisCommandTimeoutMs: 15_000,
            attemptTimeoutMs: 40_000,
            callTimeoutMs: 80_000
          }, { timeoutMs: 110_000 })
        ))
        yield* Effect.promise(() => Promise.all(instances.map((i) => i.line((l) => l.ready === true))))
        for (const i of instances) {
          i.child.stdin!.end("go\n")
        }
        const exits = yield* Effect.promise(() => Promise.all(instances.map((i) => i.exited)))
        const results = exits.map((e) => e.lines.slice(1))
        for (const e of exits) {
          if (e.code !== 0 || e.stderr !== "") {
            console.log(`row 16: instance exit ${e.code}: ${JSON.stringify(e.lines)} ${e.stderr.slice(0, 1500)}`)
          }
        }
        const seen = yield* requestsSince(before)
        const refreshes = seen.filter((r) => r.path === refreshPath)
        console.log(`row 16: ${refreshes.length} refresh requests, ${seen.length - refreshes.length} calls on the wire`)
        expect(results.map((lines) => lines[0])).toEqual([1, 2, 3].map(() => ({ ok: 100, errors: {} })))
        expect(refreshes).toHaveLength(openIds.length)
        expect(new Set(refreshes.map((r) => JSON.stringify(r.body))).size).toBe(openIds.length)
      })),
    150_000
  )

  it.live(
    "row 18: the lease holder is killed (SIGKILL) mid-refresh → another process refreshes once the lease ends; no second refresh before",
    () =>
      Effect.scoped(Effect.gen(function*() {
        const redis = yield* RedisServer.scoped
        const { admin, requests, requestsSince, url } = yield* sandbox
        yield* authorizeAll(url, admin, ["alice"], redisStore(redis.url, "r18:"))
        yield* admin.expireTokens("alice")
        // The first refresh hangs (its process will be killed while waiting for it).
        yield* admin.inject(FanGroupSandbox.latency("60 seconds", { route: refreshPath, times: 1 }))
        const before = (yield* requests).length
        const leaseTtlMs = 3_000
        const base = { baseUrl: url, clientKey, redisUrl: redis.url, prefix: "r18:", leaseTtlMs, callTimeoutMs: 20_000 }
        const holder = yield* Instances.scoped({ ...base, mode: "calls", calls: 1 }, { timeoutMs: 90_000 })
        const refreshSeen = (n: number) =>
          Effect.map(requestsSince(before), (seen) => seen.filter((r) => r.path === refreshPath).length >= n)
        // Waits for processes to start (tsx compiles each child): long bounds, not timing
        // assertions, so that a machine at a load of 20+ still gets there.
        yield* waitFor(refreshSeen(1), 60_000)
        const waiter = Instances.start({ ...base, mode: "calls", calls: 5 }, { timeoutMs: 90_000 })
        // Kill the holder once the other process is up and waiting for the lease.
        yield* waitFor(Effect.map(requestsSince(before), (seen) => seen.filter((r) => r.path !== refreshPath).length >= 6), 60_000)
        holder.child.kill("SIGKILL")
        yield* Effect.promise(() => holder.exited)
        const result = yield* Effect.promise(() => waiter.exited)
        const seen = yield* requestsSince(before)
        const refreshes = seen.filter((r) => r.path === refreshPath)
        const gap = refreshes[1].at - refreshes[0].at
        console.log(`row 18: ${refreshes.length} refresh requests; the second ${gap} ms after the first (lease ${leaseTtlMs} ms)`)
        expect(result.lines).toEqual([{ ok: 5, errors: {} }])
        expect(refreshes).toHaveLength(2)
        // No second refresh while the dead holder's lease held (sandbox clock, 300 ms tolerance
        // for the holder taking the lease before its request reached the server).
        expect(gap).toBeGreaterThanOrEqual(leaseTtlMs - 300)
        // No token lost: the refreshed token is stored and accepted.
        const stored = yield* Effect.flatMap(TokenStore.TokenStore, (s) => s.get({ clientKey, openId: "alice" })).pipe(
          Effect.provide(redisStore(redis.url, "r18:"))
        )
        expect(Option.isSome(stored)).toBe(true)
        const after = yield* Instances.run({ ...base, mode: "calls", calls: 1 })
        expect(after).toEqual([{ ok: 1, errors: {} }])
        expect((yield* requestsSince(before)).filter((r) => r.path === refreshPath)).toHaveLength(2)
      })),
    240_000
  )

  for (const kind of ["file", "redis"] as const) {
    it.live(
      `row 19: authorize through the sandbox's OAuth, stop the process, a new one on the same ${kind} store: first call succeeds with no OAuth request`,
      () =>
        Effect.scoped(Effect.gen(function*() {
          const redis = kind === "redis" ? yield* RedisServer.scoped : undefined
          const dir = yield* tempDir
          const { requests, requestsSince, url } = yield* sandbox
          const base = kind === "file"
            ? { baseUrl: url, clientKey, tokenDir: dir }
            : { baseUrl: url, clientKey, redisUrl: redis!.url, prefix: "r19:" }
          expect(yield* Instances.run({ ...base, mode: "authorize", openIds: ["alice", "bob"] })).toEqual([{ authorized: 2 }])
          const before = (yield* requests).length
          const lines = yield* Instances.run({ ...base, mode: "calls", openIds: ["alice", "bob"], calls: 4 })
          expect(lines).toEqual([{ ok: 4, errors: {} }])
          const seen = yield* requestsSince(before)
          expect(seen.filter((r) => r.path.startsWith("/oauth/"))).toEqual([])
          expect(seen.map((r) => r.path)).toEqual(Array(4).fill("/im/group/count/"))
          if (kind === "file") expect(Fs.readdirSync(dir).sort()).toEqual([`${clientKey}+alice.json`, `${clientKey}+bob.json`])
        })),
      120_000
    )
  }

  it.live(
    "row 20: the same webhook (same Msg-Id) delivered to two instances at once → handled once in total",
    () =>
      Effect.scoped(Effect.gen(function*() {
        const redis = yield* RedisServer.scoped
        const report = yield* Loopback.make(() => ({ status: 200, body: "" }))
        const secret = "webhook-secret-r20"
        const config = {
          mode: "webhook",
          baseUrl: "http://127.0.0.1:1",
          clientKey,
          redisUrl: redis.url,
          prefix: "r20:",
          webhookSecret: secret,
          reportUrl: report.url
        } as const
        const instances = yield* Effect.all([
          Instances.scoped(config, { timeoutMs: 110_000 }),
          Instances.scoped(config, { timeoutMs: 110_000 })
        ])
        const ports = yield* Effect.promise(() => Promise.all(instances.map((i) => i.line((l) => "port" in l))))
        // The port is printed once the socket listens, which can be before the HttpApp is attached
        // (a request then gets no answer): wait, bounded, until each instance answers an unsigned POST.
        for (const { port } of ports) {
          yield* Effect.promise(() => untilAnswering(`http://127.0.0.1:${port}/douyin/webhook`, 60_000))
        }
        const deliveries = 10
        for (let n = 0; n < deliveries; n++) {
          const body = JSON.stringify({
            event: "im_group_receive_msg",
            client_key: clientKey,
            from_user_id: "member",
            to_user_id: "owner",
            content: {
              conversation_short_id: "@c",
              server_message_id: `@m${n}`,
              conversation_type: 2,
              create_time: 1,
              message_type: "text",
              text: "hi"
            }
          })
          const headers = {
            "content-type": "application/json",
            "x-douyin-signature": WebhookSignature.sign(Redacted.make(secret), body),
            "msg-id": `msg-${n}`
          }
          const statuses = yield* Effect.promise(() =>
            Promise.all(
              ports.map(({ port }) =>
                fetch(`http://127.0.0.1:${port}/douyin/webhook`, { method: "POST", body, headers }).then((r) => r.status)
              )
            )
          )
          expect(statuses).toEqual([200, 200])
        }
        // Handlers run after the acknowledgement: wait (bounded) until each delivery was handled.
        yield* report.awaitCount(deliveries).pipe(Effect.timeout("15 seconds"))
        yield* Effect.sleep("500 millis")
        const handled = report.received.map((r) => r.query.msg)
        const byPid = new Set(report.received.map((r) => r.query.pid))
        console.log(`row 20: ${deliveries} deliveries × 2 instances → ${handled.length} handled (by ${byPid.size} processes)`)
        expect(handled.sort()).toEqual(Array.from({ length: deliveries }, (_, n) => `@m${n}`).sort())
      })),
    120_000
  )

  it.live(
    "row 21: Redis stops mid-run, then comes back → typed DouyinStoreError within the call timeout (once the token kept in memory is past cacheFor), then success without a restart",
    () =>
      Effect.scoped(Effect.gen(function*() {
        // Redis as deployed: it keeps its data when it stops and comes back.
        const redis = yield* RedisServer.scopedPersistent
        const { admin, url } = yield* sandbox
        yield* authorizeAll(url, admin, ["alice"], redisStore(redis.url, "r21:"))
        const callTimeoutMs = 2_000
        // The token read last before the outage is kept in memory this long (a shorter
        // `cacheFor` than the default 5 s, to keep the row short).
        const cacheForMs = 1_000
        const instance = yield* Instances.scoped(
          {
            mode: "loop",
            baseUrl: url,
            clientKey,
            redisUrl: redis.url,
            prefix: "r21:",
            durationMs: 12_000,
            intervalMs: 100,
            callTimeoutMs,
            cacheForMs
          },
          { timeoutMs: 90_000 }
        )
        yield* Effect.promise(() => instance.line((l) => l.result === "ok"))
        yield* Effect.promise(redis.stop)
        const stoppedAt = Date.now()
        yield* Effect.promise(() => instance.line((l) => l.at > stoppedAt && l.result !== "ok"))
        yield* Effect.sleep("1500 millis")
        // Redis may answer before `start` resolves here (on a loaded machine, seconds before):
        // a call is "during the outage" only if it ended before the restart began.
        const restartingAt = Date.now()
        yield* Effect.promise(redis.start)
        const startedAt = Date.now()
        const recovered = yield* Effect.promise(() => instance.line((l) => l.at > startedAt && l.result === "ok"))
        const { lines } = yield* Effect.promise(() => instance.exited)
        const during = lines.filter((l) => l.at > stoppedAt + 100 && l.at + l.ms < restartingAt)
        const recovery = recovered.at + recovered.ms - startedAt
        const fromMemory = during.filter((l) => l.result === "ok")
        console.log(
          `row 21: ${during.length} calls while Redis was down: ${[...new Set(during.map((l) => l.result))].join(", ")} ` +
            `(${fromMemory.length} ok from memory, the last ${Math.max(0, ...fromMemory.map((l) => l.at - stoppedAt))} ms ` +
            `after the stop), slowest ${Math.max(...during.map((l) => l.ms))} ms; recovered ${recovery} ms after Redis returned`
        )
        // Only a call within cacheFor of the last read (so of the stop) is answered from memory;
        // every call after that needs Redis and fails with the typed store error.
        const needingRedis = during.filter((l) => l.at >= stoppedAt + cacheForMs)
        expect(needingRedis.length).toBeGreaterThan(0)
        expect(needingRedis.every((l) => l.result === "DouyinStoreError")).toBe(true)
        expect(during.every((l) => l.result === "DouyinStoreError" || l.result === "ok")).toBe(true)
        expect(during.every((l) => l.ms < callTimeoutMs)).toBe(true)
        // ioredis reconnects at most every second; 5 s allows for a loaded machine.
        expect(recovery).toBeLessThan(5_000)
        expect(lines.filter((l) => l.at > recovered.at).every((l) => l.result === "ok")).toBe(true)
      })),
    120_000
  )

  it.live(
    "row 21 (file): the file store on a directory it may not write → typed TokenStoreError",
    () =>
      Effect.scoped(Effect.gen(function*() {
        const dir = yield* tempDir
        const store = Path.join(dir, "tokens")
        Fs.mkdirSync(store, { mode: 0o700 })
        // Permission bits do not bind root, so the entry's own name is also taken by a non-empty
        // directory: renaming the written entry onto it fails for any user. The child runs as the
        // test's own user (another user might not reach the checkout's modules).
        const taken = Path.join(store, `${encodeURIComponent(clientKey)}+alice.json`)
        Fs.mkdirSync(taken)
        Fs.writeFileSync(Path.join(taken, "keep"), "")
        Fs.chmodSync(store, 0o500)
        yield* Effect.addFinalizer(() => Effect.sync(() => Fs.chmodSync(store, 0o700)))
        const lines = yield* Instances.run({ mode: "readonly", baseUrl: "http://127.0.0.1:1", clientKey, tokenDir: store })
        expect(lines).toEqual([{ error: "TokenStoreError", store: "file", operation: "write" }])
      })),
    120_000
  )
})

const waitFor = (condition: Effect.Effect<boolean>, timeoutMs: number) =>
  Effect.gen(function*() {
    const deadline = Date.now() + timeoutMs
    while (!(yield* condition)) {
      if (Date.now() > deadline) return yield* Effect.dieMessage(`condition not met within ${timeoutMs} ms`)
      yield* Effect.sleep("20 millis")
    }
  })

/** Polls with short timeouts until the server answers (any status), at most `timeoutMs`. */
const untilAnswering = async (url: string, timeoutMs: number) => {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    try {
      await fetch(url, { method: "POST", body: "{}", signal: AbortSignal.timeout(1_000) })
      return
    } catch (e) {
      if (Date.now() > deadline) throw e
      await new Promise((r) => setTimeout(r, 100))
    }
  }
}
