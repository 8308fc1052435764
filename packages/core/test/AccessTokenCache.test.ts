/**
 * `AccessToken.layerStore`'s in-memory cache (`cacheFor`): what a call asks of the
 * `TokenStore`, counted through a wrapping store, with `TestClock` for every time.
 */
import { describe, expect, it } from "@effect/vitest"
import { Deferred, Effect, Fiber, Option, Redacted, TestClock } from "effect"
import { AccessToken, DouyinTest, Endpoint, TokenStore } from "../src/index.js"
import * as TokenCache from "../src/internal/tokenCache.js"
import { Count, countingStore, key, oauthError, onPath, stack, stored, userTokenReply } from "./tokenFixtures.js"

const refreshPath = "/oauth/refresh_token/"
const renewPath = "/oauth/renew_refresh_token/"
const countPath = "/im/group/count/"

const count = (openId: string) => Effect.flatMap(Endpoint.handler(Count), (call) => call({ openId }))
const get = (openId: string) => Effect.flatMap(AccessToken.AccessToken, (tokens) => tokens.get(openId)).pipe(Effect.map(Redacted.value))
const peek = (openId: string) =>
  Effect.map(AccessToken.AccessToken, (tokens) => {
    const known = tokens.peek?.(openId)
    return known === undefined ? undefined : Redacted.value(known)
  })
/** Another writer (another process, `TokenStore.authorize`): the store itself, not through the source. */
const storeDirectly = (openId: string, entry: TokenStore.StoredToken) =>
  Effect.flatMap(TokenStore.TokenStore, (store) => store.set(key(openId), entry))

/** The stack over a store that counts its reads. */
const counted = (
  responder: DouyinTest.Responder,
  seed: ReadonlyArray<readonly [TokenStore.Key, TokenStore.StoredToken]>,
  options: AccessToken.StoreOptions = {}
) => {
  const reads = { count: 0, failNext: 0 }
  return { reads, layer: stack(responder, seed, options, countingStore(seed, reads)) }
}

const alice = [[key("alice"), stored("act.alice.0", "rft.alice")]] as const

describe("AccessToken.layerStore: the in-memory cache (cacheFor)", () => {
  it.effect("hits do not touch the store: 20 calls after one read", () => {
    const { layer, reads } = counted(() => DouyinTest.successA({ left_count: 2 }), alice)
    return Effect.gen(function*() {
      expect(yield* peek("alice")).toBeUndefined()
      expect(yield* get("alice")).toBe("act.alice.0")
      expect(reads.count).toBe(1)
      for (let i = 0; i < 20; i++) expect(yield* count("alice")).toEqual({ leftCount: 2 })
      expect(yield* get("alice")).toBe("act.alice.0")
      expect(yield* peek("alice")).toBe("act.alice.0")
      expect(reads.count).toBe(1)
      expect((yield* onPath(countPath)).map((r) => r.headers["access-token"])).toEqual(Array(20).fill("act.alice.0"))
      // Kept per open_id: another one reads the store.
      expect(yield* peek("bob")).toBeUndefined()
    }).pipe(Effect.provide(layer))
  })

  it.effect("after cacheFor the store is read again, and what another writer stored is used", () => {
    const { layer, reads } = counted(() => DouyinTest.successA({ left_count: 2 }), alice)
    return Effect.gen(function*() {
      expect(yield* get("alice")).toBe("act.alice.0")
      yield* storeDirectly("alice", stored("act.alice.other", "rft.alice"))
      // Within cacheFor (default 5 s) the kept token is used: the staleness bound.
      yield* TestClock.adjust("4999 millis")
      expect(yield* get("alice")).toBe("act.alice.0")
      expect(reads.count).toBe(1)
      yield* TestClock.adjust("1 millis")
      expect(yield* peek("alice")).toBeUndefined()
      expect(yield* get("alice")).toBe("act.alice.other")
      expect(reads.count).toBe(2)
      // … and that read is kept in turn.
      expect(yield* get("alice")).toBe("act.alice.other")
      expect(reads.count).toBe(2)
    }).pipe(Effect.provide(layer))
  })

  it.effect("a removed entry is not used after cacheFor: the user must authorize", () => {
    const { layer } = counted(() => DouyinTest.successA({ left_count: 2 }), alice, { cacheFor: "1 second" })
    return Effect.gen(function*() {
      expect(yield* get("alice")).toBe("act.alice.0")
      yield* Effect.flatMap(TokenStore.TokenStore, (store) => store.remove(key("alice")))
      yield* TestClock.adjust("1 second")
      const error = yield* Effect.flip(count("alice"))
      expect(error).toMatchObject({ _tag: "DouyinAuthError", code: 10010 })
      expect(yield* onPath(countPath)).toHaveLength(0)
    }).pipe(Effect.provide(layer))
  })

  it.effect("a kept token inside the refreshBefore window goes back to the store and refreshes (proactive)", () => {
    // Valid until 120 min; refreshed from 115 min. Kept for 10 minutes, longer than what is left.
    const seed = [[key("alice"), stored("act.alice.0", "rft.alice", { expiresAt: 120 * 60 * 1000 })]] as const
    const { layer, reads } = counted(
      (r) => r.path === refreshPath ? userTokenReply({ accessToken: "act.alice.1", openId: "alice" }) : DouyinTest.text(404, ""),
      seed,
      { cacheFor: "10 minutes" }
    )
    return Effect.gen(function*() {
      yield* TestClock.adjust("114 minutes")
      expect(yield* get("alice")).toBe("act.alice.0")
      expect(reads.count).toBe(1)
      yield* TestClock.adjust("59999 millis")
      expect(yield* get("alice")).toBe("act.alice.0")
      expect(reads.count).toBe(1)
      yield* TestClock.adjust("1 millis")
      expect(yield* peek("alice")).toBeUndefined()
      expect(yield* get("alice")).toBe("act.alice.1")
      expect(reads.count).toBeGreaterThan(1)
      expect(yield* onPath(refreshPath)).toHaveLength(1)
      // The refreshed entry it wrote is kept: no read for the next one.
      const after = reads.count
      expect(yield* get("alice")).toBe("act.alice.1")
      expect(yield* peek("alice")).toBe("act.alice.1")
      expect(reads.count).toBe(after)
    }).pipe(Effect.provide(layer))
  })

  it.effect("a kept token whose refresh token is due for renewal goes back to the store and renews", () => {
    // The refresh token expires 5 days + 1 minute from t=0: renewal is due (less than
    // renewBefore, 5 days, left) after t = 1 min.
    const seed = [[key("alice"), stored("act.alice.0", "rft.alice", { refreshExpiresAt: 5 * 24 * 60 * 60 * 1000 + 60_000 })]] as const
    const { layer, reads } = counted(() => oauthError(10001), seed, { cacheFor: "10 minutes" })
    return Effect.gen(function*() {
      expect(yield* get("alice")).toBe("act.alice.0")
      yield* TestClock.adjust("1 minute")
      expect(yield* get("alice")).toBe("act.alice.0")
      expect(reads.count).toBe(1)
      expect(yield* onPath(renewPath)).toHaveLength(0)
      yield* TestClock.adjust("1 millis")
      expect(yield* peek("alice")).toBeUndefined()
      // The renewal fails (busy): the call still gets its token, as without the cache.
      expect(yield* get("alice")).toBe("act.alice.0")
      expect(reads.count).toBeGreaterThan(1)
      expect(yield* onPath(renewPath)).toHaveLength(1)
    }).pipe(Effect.provide(layer))
  })

  it.effect("a failure is not kept: a store error, then the next get reads the store again", () => {
    const { layer, reads } = counted(() => DouyinTest.successA({ left_count: 2 }), alice)
    return Effect.gen(function*() {
      reads.failNext = 1
      const error = yield* Effect.flip(count("alice"))
      expect(error._tag).toBe("DouyinStoreError")
      expect(yield* peek("alice")).toBeUndefined()
      expect(yield* count("alice")).toEqual({ leftCount: 2 })
      expect(reads.count).toBe(2)
      expect(yield* onPath(countPath)).toHaveLength(1)
    }).pipe(Effect.provide(layer))
  })

  it.effect("a missing entry is not kept: a token authorized right after is used at once", () => {
    const { layer, reads } = counted(() => DouyinTest.successA({ left_count: 2 }), [])
    return Effect.gen(function*() {
      const error = yield* Effect.flip(count("alice"))
      expect(error).toMatchObject({ _tag: "DouyinAuthError", code: 10010 })
      yield* storeDirectly("alice", stored("act.alice.authorized", "rft.alice"))
      expect(yield* get("alice")).toBe("act.alice.authorized")
      expect(reads.count).toBe(2)
    }).pipe(Effect.provide(layer))
  })

  it.effect("reactive: a kept token another writer replaced is rejected, and the stored one is picked up without a refresh", () => {
    const valid = { current: "act.alice.0" }
    const { layer, reads } = counted(
      (r) =>
        r.path === countPath
          ? r.headers["access-token"] === valid.current
            ? DouyinTest.successA({ left_count: 2 })
            : DouyinTest.errorA(2190008, "access_token expired")
          : userTokenReply({ accessToken: "act.alice.refreshed", openId: "alice" }),
      alice
    )
    return Effect.gen(function*() {
      expect(yield* count("alice")).toEqual({ leftCount: 2 })
      // Another process refreshed: Douyin now accepts only the token it stored.
      yield* storeDirectly("alice", stored("act.alice.1", "rft.alice"))
      valid.current = "act.alice.1"
      expect(yield* count("alice")).toEqual({ leftCount: 2 })
      expect(yield* count("alice")).toEqual({ leftCount: 2 })
      expect((yield* onPath(countPath)).map((r) => r.headers["access-token"])).toEqual([
        "act.alice.0",
        "act.alice.0",
        "act.alice.1",
        "act.alice.1"
      ])
      expect(yield* onPath(refreshPath)).toHaveLength(0)
      // One read for the first call, one by the reactive refresh; the third call hit.
      expect(reads.count).toBe(2)
    }).pipe(Effect.provide(layer))
  })

  it.effect("reactive: a kept token Douyin rejects is refreshed once, and the new one is kept", () => {
    const valid = { current: "act.alice.0" }
    const { layer, reads } = counted(
      (r) => {
        if (r.path === countPath) {
          return r.headers["access-token"] === valid.current
            ? DouyinTest.successA({ left_count: 2 })
            : DouyinTest.errorA(2190008, "access_token expired")
        }
        valid.current = "act.alice.1"
        return userTokenReply({ accessToken: "act.alice.1", openId: "alice" })
      },
      alice
    )
    return Effect.gen(function*() {
      expect(yield* count("alice")).toEqual({ leftCount: 2 })
      valid.current = "act.alice.revoked-at-douyin"
      expect(yield* count("alice")).toEqual({ leftCount: 2 })
      const readsAfterRefresh = reads.count
      expect(yield* count("alice")).toEqual({ leftCount: 2 })
      expect(reads.count).toBe(readsAfterRefresh)
      expect(yield* onPath(refreshPath)).toHaveLength(1)
      expect((yield* onPath(countPath)).map((r) => r.headers["access-token"])).toEqual([
        "act.alice.0",
        "act.alice.0",
        "act.alice.1",
        "act.alice.1"
      ])
      const entry = Option.getOrThrow(yield* Effect.flatMap(TokenStore.TokenStore, (s) => s.get(key("alice"))))
      expect(Redacted.value(entry.accessToken)).toBe("act.alice.1")
    }).pipe(Effect.provide(layer))
  })

  it.effect("cacheFor: 0 reads the store on every get, and peek knows nothing", () => {
    const { layer, reads } = counted(() => DouyinTest.successA({ left_count: 2 }), alice, { cacheFor: 0 })
    return Effect.gen(function*() {
      for (let i = 0; i < 5; i++) expect(yield* count("alice")).toEqual({ leftCount: 2 })
      expect(yield* get("alice")).toBe("act.alice.0")
      expect(yield* peek("alice")).toBeUndefined()
      expect(reads.count).toBe(6)
    }).pipe(Effect.provide(layer))
  })
})

describe("AccessToken.makeStatic", () => {
  it("peek is the fixed token", () => {
    const token = Redacted.make("act.fixed")
    expect(AccessToken.makeStatic(token).peek?.("anyone")).toBe(token)
  })
})

/**
 * A store over `memory` whose reads take their value at once but answer only after `release`
 * (saying so in `read`), and whose writes start only after `writeGate`, when given.
 */
const slowStore = (
  memory: TokenStore.Service,
  gates: {
    readonly read: Deferred.Deferred<void>
    readonly release: Deferred.Deferred<void>
    readonly writeGate?: Deferred.Deferred<void>
  }
): TokenStore.Service => ({
  ...memory,
  get: (k) =>
    Effect.flatMap(
      memory.get(k),
      (v) => Deferred.succeed(gates.read, void 0).pipe(Effect.zipRight(Deferred.await(gates.release)), Effect.as(v))
    ),
  set: (k, v) => gates.writeGate === undefined ? memory.set(k, v) : Effect.zipRight(Deferred.await(gates.writeGate), memory.set(k, v))
})

const gates = Effect.all({ read: Deferred.make<void>(), release: Deferred.make<void>(), writeGate: Deferred.make<void>() })
const tokenOf = (entry: TokenStore.StoredToken | undefined) => entry === undefined ? undefined : Redacted.value(entry.accessToken)

describe("the token cache under the source (internal/tokenCache.ts)", () => {
  it.effect("a slow read that overlapped a write (begun before it or during it) keeps nothing: the written entry stays", () =>
    Effect.gen(function*() {
      const memory = yield* TokenStore.makeMemory([[key("alice"), stored("act.alice.old", "rft.alice")]])
      const clock = yield* Effect.clock

      // The read began before the write.
      const before = yield* gates
      const cache = TokenCache.make(slowStore(memory, { read: before.read, release: before.release }), 60_000, clock)
      const read = yield* Effect.fork(cache.store.get(key("alice")))
      yield* Deferred.await(before.read)
      yield* cache.store.set(key("alice"), stored("act.alice.new", "rft.alice"))
      yield* Deferred.succeed(before.release, void 0)
      expect(Option.map(yield* Fiber.join(read), tokenOf)).toEqual(Option.some("act.alice.old"))
      expect(tokenOf(cache.recent(key("alice"), 0))).toBe("act.alice.new")

      // The read began while the write was under way, and answered after it ended.
      const during = yield* gates
      const slower = TokenCache.make(slowStore(memory, during), 60_000, clock)
      const write = yield* Effect.fork(slower.store.set(key("alice"), stored("act.alice.newest", "rft.alice")))
      yield* Effect.yieldNow()
      const overlapping = yield* Effect.fork(slower.store.get(key("alice")))
      yield* Deferred.await(during.read)
      yield* Deferred.succeed(during.writeGate, void 0)
      yield* Fiber.join(write)
      yield* Deferred.succeed(during.release, void 0)
      expect(Option.map(yield* Fiber.join(overlapping), tokenOf)).toEqual(Option.some("act.alice.new"))
      expect(tokenOf(slower.recent(key("alice"), 0))).toBe("act.alice.newest")
    }))

  it.effect("a failed write forgets the key: what the store holds is unknown", () =>
    Effect.gen(function*() {
      const memory = yield* TokenStore.makeMemory([[key("alice"), stored("act.alice.old", "rft.alice")]])
      const full = new TokenStore.TokenStoreError({ store: "memory", operation: "write", description: "full" })
      const cache = TokenCache.make({ ...memory, set: () => Effect.fail(full) }, 60_000, yield* Effect.clock)
      yield* cache.store.get(key("alice"))
      expect(tokenOf(cache.recent(key("alice"), 0))).toBe("act.alice.old")
      yield* Effect.flip(cache.store.set(key("alice"), stored("act.alice.new", "rft.alice")))
      expect(cache.recent(key("alice"), 0)).toBeUndefined()
    }))
})
