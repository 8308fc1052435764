import { NodeContext } from "@effect/platform-node"
import { describe, expect, it } from "@effect/vitest"
import { Deferred, Effect, Fiber, Layer, Option, Redacted, TestClock } from "effect"
import * as Fs from "node:fs"
import * as Os from "node:os"
import * as Path from "node:path"
import { AccessToken, DouyinTest, Endpoint, TokenStore } from "../src/index.js"
import { clientKey, Count, day, form, key, oauthError, onPath, stack, stored, userTokenReply, waitUntil } from "./tokenFixtures.js"

const refreshPath = "/oauth/refresh_token/"
const countPath = "/im/group/count/"

/**
 * A fake Douyin: the count endpoint accepts only the current token of each open_id
 * (2190008 otherwise); the refresh endpoint issues `act.<openId>.<n>` for `rft.<openId>`.
 * State is local to one test.
 */
const fakeDouyin = (options: {
  readonly valid: Record<string, string>
  readonly refresh?: (request: DouyinTest.RecordedRequest, n: number) => DouyinTest.Reply | Effect.Effect<DouyinTest.Reply>
  readonly count?: (request: DouyinTest.RecordedRequest) => DouyinTest.Reply | undefined
}) => {
  const valid = new Map(Object.entries(options.valid))
  let refreshes = 0
  const defaultRefresh = (request: DouyinTest.RecordedRequest, n: number) => {
    const openId = form(request).refresh_token.replace(/^rft\./, "")
    const accessToken = `act.${openId}.${n}`
    valid.set(openId, accessToken)
    return userTokenReply({ accessToken, openId })
  }
  const responder = (request: DouyinTest.RecordedRequest): DouyinTest.Reply | Effect.Effect<DouyinTest.Reply> => {
    if (request.path === refreshPath) return (options.refresh ?? defaultRefresh)(request, ++refreshes)
    if (request.path === countPath) {
      const custom = options.count?.(request)
      if (custom !== undefined) return custom
      const ok = valid.get(request.query.open_id) === request.headers["access-token"]
      return ok ? DouyinTest.successA({ left_count: 2 }) : DouyinTest.errorA(2190008, "access_token expired")
    }
    return DouyinTest.text(404, "not found")
  }
  return { responder, valid }
}

const count = (openId: string) => Effect.flatMap(Endpoint.handler(Count), (call) => call({ openId }))
const tokenOf = (openId: string) =>
  Effect.flatMap(TokenStore.TokenStore, (s) => s.get(key(openId))).pipe(
    Effect.map(Option.map((t) => Redacted.value(t.accessToken)))
  )

describe("AccessToken.layerStore: reactive refresh", () => {
  it.effect("an expired token is refreshed once, stored, and the call retried once with the new token", () => {
    const fake = fakeDouyin({ valid: { alice: "act.alice.new" } })
    const fakeRefresh = (_: DouyinTest.RecordedRequest) =>
      userTokenReply({ accessToken: "act.alice.new", openId: "alice", expiresIn: "1296000" })
    return Effect.gen(function*() {
      yield* TestClock.adjust("1 hour")
      expect(yield* count("alice")).toEqual({ leftCount: 2 })
      const requests = yield* DouyinTest.requests
      expect(requests.map((r) => `${r.path} ${r.headers["access-token"] ?? "-"}`)).toEqual([
        `${countPath} act.alice.old`,
        `${refreshPath} -`,
        `${countPath} act.alice.new`
      ])
      expect(form(requests[1])).toEqual({ client_key: clientKey, grant_type: "refresh_token", refresh_token: "rft.alice" })
      const entry = Option.getOrThrow(yield* (yield* TokenStore.TokenStore).get(key("alice")))
      expect(Redacted.value(entry.accessToken)).toBe("act.alice.new")
      expect(entry.expiresAt).toBe(60 * 60 * 1000 + 1296000 * 1000)
    }).pipe(Effect.provide(stack(
      (r) => r.path === refreshPath ? fakeRefresh(r) : fake.responder(r),
      [[key("alice"), stored("act.alice.old", "rft.alice")]]
    )))
  })

  it.effect("100 concurrent calls on an expired token: one refresh, all succeed", () =>
    Effect.gen(function*() {
      const gate = yield* Deferred.make<void>()
      const fake = fakeDouyin({
        valid: { alice: "act.alice.1" },
        refresh: (_, n) => Effect.as(Deferred.await(gate), userTokenReply({ accessToken: `act.alice.${n}`, openId: "alice" }))
      })
      yield* Effect.gen(function*() {
        const fibers = yield* Effect.forEach(Array.from({ length: 100 }), () => Effect.fork(count("alice")))
        // Hold the refresh until all 100 were rejected and have had time to ask for a refresh.
        yield* waitUntil(Effect.map(onPath(countPath), (r) => r.length === 100))
        yield* waitUntil(Effect.map(onPath(refreshPath), (r) => r.length === 1))
        for (let i = 0; i < 200; i++) yield* Effect.yieldNow()
        yield* Deferred.succeed(gate, undefined)
        const results = yield* Effect.forEach(fibers, Fiber.join)
        expect(results).toHaveLength(100)
        expect(results.every((r) => r.leftCount === 2)).toBe(true)
        expect(yield* onPath(refreshPath)).toHaveLength(1)
        const counts = yield* onPath(countPath)
        expect(counts.filter((r) => r.headers["access-token"] === "act.alice.0")).toHaveLength(100)
        expect(counts.filter((r) => r.headers["access-token"] === "act.alice.1")).toHaveLength(100)
      }).pipe(Effect.provide(stack(fake.responder, [[key("alice"), stored("act.alice.0", "rft.alice")]])))
    }), 20_000)

  it.effect("matrix row 9 (fake transport): the refreshed token is rejected too → one refresh, one retry, DouyinAuthError", () => {
    const fake = fakeDouyin({ valid: {}, count: () => DouyinTest.errorA(2190008, "access_token expired") })
    return Effect.gen(function*() {
      const error = yield* Effect.flip(count("alice"))
      expect(error._tag).toBe("DouyinAuthError")
      expect(error).toMatchObject({ code: 2190008, endpoint: "test/Count" })
      expect(yield* onPath(refreshPath)).toHaveLength(1)
      expect((yield* onPath(countPath)).map((r) => r.headers["access-token"])).toEqual(["act.alice.0", "act.alice.1"])
    }).pipe(Effect.provide(stack(fake.responder, [[key("alice"), stored("act.alice.0", "rft.alice")]])))
  })

  it.effect("a token already refreshed by someone else is returned without a request", () =>
    Effect.gen(function*() {
      const tokens = yield* AccessToken.AccessToken
      const fresh = yield* tokens.refresh("alice", Redacted.make("act.alice.previous"))
      expect(Option.map(fresh, Redacted.value)).toEqual(Option.some("act.alice.current"))
      expect(yield* DouyinTest.requests).toHaveLength(0)
    }).pipe(Effect.provide(stack([], [[key("alice"), stored("act.alice.current", "rft.alice")]]))))

  it.effect("a refresh that extends the same token value is not repeated for the same stale token", () =>
    Effect.gen(function*() {
      const tokens = yield* AccessToken.AccessToken
      const stale = Redacted.make("act.alice.same")
      const first = yield* tokens.refresh("alice", stale)
      const second = yield* tokens.refresh("alice", stale)
      expect(Option.map(first, Redacted.value)).toEqual(Option.some("act.alice.same"))
      expect(Option.map(second, Redacted.value)).toEqual(Option.some("act.alice.same"))
      expect(yield* onPath(refreshPath)).toHaveLength(1)
      // Outside the reuse window the same stale token is refreshed again.
      yield* TestClock.adjust("31 seconds")
      yield* tokens.refresh("alice", stale)
      expect(yield* onPath(refreshPath)).toHaveLength(2)
    }).pipe(Effect.provide(stack(
      [userTokenReply({ accessToken: "act.alice.same", openId: "alice" })],
      [[key("alice"), stored("act.alice.same", "rft.alice")]]
    ))))
})

describe("AccessToken.layerStore: terminal refresh failures", () => {
  const cases = [
    [10010, "DouyinAuthError"],
    [10020, "DouyinQuotaError"],
    [2190015, "DouyinPermissionError"]
  ] as const
  for (const [code, tag] of cases) {
    it.effect(`refresh answers ${code}: typed ${tag}, old token kept, never retried`, () => {
      const fake = fakeDouyin({ valid: {}, refresh: () => oauthError(code) })
      return Effect.gen(function*() {
        const error = yield* Effect.flip(count("alice"))
        expect(error._tag).toBe(tag)
        expect(error).toMatchObject({ code, endpoint: "oauth/RefreshToken" })
        expect(yield* tokenOf("alice")).toEqual(Option.some("act.alice.0"))
        // The next call is rejected again, but the refresh is not asked of Douyin again.
        const again = yield* Effect.flip(count("alice"))
        expect(again._tag).toBe(tag)
        expect(yield* onPath(refreshPath)).toHaveLength(1)
        expect(yield* onPath(countPath)).toHaveLength(2)
      }).pipe(Effect.provide(stack(fake.responder, [[key("alice"), stored("act.alice.0", "rft.alice")]])))
    })
  }

  it.effect("a new authorization (new refresh token) clears a terminal failure", () => {
    const fake = fakeDouyin({
      valid: {},
      refresh: (request, n) =>
        form(request).refresh_token === "rft.alice.dead"
          ? oauthError(10010)
          : userTokenReply({ accessToken: `act.alice.${n}`, openId: "alice" })
    })
    return Effect.gen(function*() {
      const tokens = yield* AccessToken.AccessToken
      const store = yield* TokenStore.TokenStore
      const failed = yield* Effect.flip(tokens.refresh("alice", Redacted.make("act.alice.0")))
      expect(failed).toMatchObject({ code: 10010 })
      yield* store.set(key("alice"), stored("act.alice.reauth", "rft.alice.new"))
      const fresh = yield* tokens.refresh("alice", Redacted.make("act.alice.reauth"))
      expect(Option.map(fresh, Redacted.value)).toEqual(Option.some("act.alice.2"))
    }).pipe(Effect.provide(stack(fake.responder, [[key("alice"), stored("act.alice.0", "rft.alice.dead")]])))
  })

  it.effect("a transient refresh failure (busy) is held off for a short backoff, then asked again", () =>
    Effect.gen(function*() {
      const tokens = yield* AccessToken.AccessToken
      const failed = yield* Effect.flip(tokens.refresh("alice", Redacted.make("act.alice.0")))
      expect(failed._tag).toBe("DouyinBusyError")
      expect(yield* tokenOf("alice")).toEqual(Option.some("act.alice.0"))
      // Within the first backoff (1 s) the failure is shared without a request.
      const held = yield* Effect.flip(tokens.refresh("alice", Redacted.make("act.alice.0")))
      expect(held._tag).toBe("DouyinBusyError")
      expect(yield* onPath(refreshPath)).toHaveLength(1)
      yield* TestClock.adjust("1 second")
      const fresh = yield* tokens.refresh("alice", Redacted.make("act.alice.0"))
      expect(Option.map(fresh, Redacted.value)).toEqual(Option.some("act.alice.1"))
      expect(yield* onPath(refreshPath)).toHaveLength(2)
    }).pipe(Effect.provide(stack(
      [oauthError(10001), userTokenReply({ accessToken: "act.alice.1", openId: "alice" })],
      [[key("alice"), stored("act.alice.0", "rft.alice")]]
    ))))

  it.effect("consecutive transient failures double the backoff up to retryAfterFailure", () =>
    Effect.gen(function*() {
      const tokens = yield* AccessToken.AccessToken
      const attempt = Effect.flip(tokens.refresh("alice", Redacted.make("act.alice.0")))
      const sent = Effect.map(onPath(refreshPath), (r) => r.length)
      // Failures at t = 0, 1, 3, 7 s; then held 8 s, capped at 5 s by the option.
      for (const [wait, expected] of [[0, 1], [1000, 2], [1999, 2], [1, 3], [4000, 4], [4999, 4], [1, 5], [5000, 6]] as const) {
        yield* TestClock.adjust(wait)
        yield* attempt
        expect(yield* sent).toBe(expected)
      }
    }).pipe(Effect.provide(stack(
      [oauthError(10001)],
      [[key("alice"), stored("act.alice.0", "rft.alice")]],
      { retryAfterFailure: "5 seconds" }
    ))))

  it.effect("a refresh answered for another open_id fails with 2190015 and stores nothing", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(count("alice"))
      expect(error._tag).toBe("DouyinPermissionError")
      expect(error).toMatchObject({ code: 2190015 })
      expect(yield* tokenOf("alice")).toEqual(Option.some("act.alice.0"))
      expect(yield* tokenOf("mallory")).toEqual(Option.none())
    }).pipe(Effect.provide(stack(
      (r) =>
        r.path === refreshPath
          ? userTokenReply({ accessToken: "act.mallory.1", openId: "mallory" })
          : DouyinTest.errorA(2190008),
      [[key("alice"), stored("act.alice.0", "rft.alice")]]
    ))))

  it.effect("an expired refresh token fails with 10010 without a request", () =>
    Effect.gen(function*() {
      yield* TestClock.adjust("2 days")
      const error = yield* Effect.flip((yield* AccessToken.AccessToken).refresh("alice", Redacted.make("act.alice.0")))
      expect(error).toMatchObject({ _tag: "DouyinAuthError", code: 10010 })
      expect(yield* DouyinTest.requests).toHaveLength(0)
    }).pipe(Effect.provide(stack([], [[key("alice"), stored("act.alice.0", "rft.alice", { refreshExpiresAt: day })]]))))

  it.effect("no token stored for the open_id: DouyinAuthError 10010 and nothing sent", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(count("nobody"))
      expect(error).toMatchObject({ _tag: "DouyinAuthError", code: 10010 })
      expect(error.message).toContain("must authorize")
      expect(yield* DouyinTest.requests).toHaveLength(0)
    }).pipe(Effect.provide(stack([], [[key("alice"), stored("act.alice.0", "rft.alice")]]))))
})

describe("AccessToken.layerStore: proactive refresh (TestClock)", () => {
  // Token valid for 2 hours from t=0, refreshed from 5 minutes before expiry.
  const seed = [[key("alice"), stored("act.alice.0", "rft.alice", { expiresAt: 2 * 60 * 60 * 1000 })]] as const

  it.effect("refreshes once the token is inside the refreshBefore window, not before", () => {
    const fake = fakeDouyin({ valid: { alice: "act.alice.0" } })
    return Effect.gen(function*() {
      const tokens = yield* AccessToken.AccessToken
      yield* TestClock.adjust("114 minutes")
      expect(Redacted.value(yield* tokens.get("alice"))).toBe("act.alice.0")
      expect(yield* DouyinTest.requests).toHaveLength(0)

      // A call scheduled 2 minutes later (inside the window) finds a refreshed token.
      const later = yield* Effect.fork(Effect.zipRight(Effect.sleep("2 minutes"), count("alice")))
      yield* TestClock.adjust("2 minutes")
      expect(yield* Fiber.join(later)).toEqual({ leftCount: 2 })
      expect(yield* onPath(refreshPath)).toHaveLength(1)
      expect((yield* onPath(countPath)).map((r) => r.headers["access-token"])).toEqual(["act.alice.1"])
      const entry = Option.getOrThrow(yield* (yield* TokenStore.TokenStore).get(key("alice")))
      expect(entry.expiresAt).toBe(116 * 60 * 1000 + 1296000 * 1000)
    }).pipe(Effect.provide(stack(fake.responder, seed)))
  })

  it.effect("the window is configurable", () =>
    Effect.gen(function*() {
      const tokens = yield* AccessToken.AccessToken
      yield* TestClock.adjust("100 minutes")
      expect(Redacted.value(yield* tokens.get("alice"))).toBe("act.alice.1")
      expect(yield* onPath(refreshPath)).toHaveLength(1)
    }).pipe(Effect.provide(stack(
      [userTokenReply({ accessToken: "act.alice.1", openId: "alice" })],
      seed,
      { refreshBefore: "30 minutes" }
    ))))

  it.effect("a failed proactive refresh keeps and uses the old token until it expires, then fails", () =>
    Effect.gen(function*() {
      const tokens = yield* AccessToken.AccessToken
      yield* TestClock.adjust("118 minutes")
      expect(Redacted.value(yield* tokens.get("alice"))).toBe("act.alice.0")
      expect(yield* tokenOf("alice")).toEqual(Option.some("act.alice.0"))
      expect(yield* onPath(refreshPath)).toHaveLength(1)
      // While the failure is held (1 s, then 2 s) the old token is used without a request.
      yield* TestClock.adjust("900 millis")
      expect(Redacted.value(yield* tokens.get("alice"))).toBe("act.alice.0")
      expect(yield* onPath(refreshPath)).toHaveLength(1)
      yield* TestClock.adjust("200 millis")
      expect(Redacted.value(yield* tokens.get("alice"))).toBe("act.alice.0")
      expect(yield* onPath(refreshPath)).toHaveLength(2)
      yield* TestClock.adjust("1 second")
      expect(Redacted.value(yield* tokens.get("alice"))).toBe("act.alice.0")
      expect(yield* onPath(refreshPath)).toHaveLength(2)
      yield* TestClock.adjust("2 minutes")
      const error = yield* Effect.flip(tokens.get("alice"))
      expect(error._tag).toBe("DouyinBusyError")
      expect(yield* tokenOf("alice")).toEqual(Option.some("act.alice.0"))
    }).pipe(Effect.provide(stack([oauthError(10001)], seed))))

  it.effect("100 concurrent gets inside the window share one refresh", () =>
    Effect.gen(function*() {
      const tokens = yield* AccessToken.AccessToken
      yield* TestClock.adjust("119 minutes")
      const all = yield* Effect.all(Array.from({ length: 100 }, () => tokens.get("alice")), { concurrency: "unbounded" })
      expect(new Set(all.map(Redacted.value))).toEqual(new Set(["act.alice.1"]))
      expect(yield* onPath(refreshPath)).toHaveLength(1)
    }).pipe(Effect.provide(stack(
      [userTokenReply({ accessToken: "act.alice.1", openId: "alice" }), oauthError(10001)],
      seed
    ))))
})

describe("AccessToken.layerStore: isolation between open_ids", () => {
  it.effect("two open_ids used concurrently never get each other's token, through refreshes too", () => {
    const fake = fakeDouyin({ valid: { alice: "act.alice.0", bob: "act.bob.0" } })
    return Effect.gen(function*() {
      const calls = Array.from({ length: 60 }, (_, i) => (i % 2 === 0 ? "alice" : "bob"))
      yield* Effect.all(calls.map(count), { concurrency: "unbounded" })
      // Both tokens expire at Douyin: each open_id refreshes with its own refresh token.
      fake.valid.set("alice", "act.alice.expired-at-douyin")
      fake.valid.set("bob", "act.bob.expired-at-douyin")
      yield* Effect.all(calls.map(count), { concurrency: "unbounded" }).pipe(Effect.either)
      const counts = yield* onPath(countPath)
      for (const request of counts) {
        expect(request.headers["access-token"]).toMatch(new RegExp(`^act\\.${request.query.open_id}\\.`))
      }
      const refreshes = yield* onPath(refreshPath)
      expect(refreshes.map((r) => form(r).refresh_token).sort()).toEqual(["rft.alice", "rft.bob"])
      expect((yield* tokenOf("alice")).pipe(Option.getOrThrow)).toMatch(/^act\.alice\./)
      expect((yield* tokenOf("bob")).pipe(Option.getOrThrow)).toMatch(/^act\.bob\./)
    }).pipe(Effect.provide(stack(fake.responder, [
      [key("alice"), stored("act.alice.0", "rft.alice")],
      [key("bob"), stored("act.bob.0", "rft.bob")]
    ])))
  })

  it.effect("the store key includes the client_key: another app's entry for the same open_id is not used", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(count("alice"))
      expect(error).toMatchObject({ _tag: "DouyinAuthError", code: 10010 })
      expect(yield* DouyinTest.requests).toHaveLength(0)
    }).pipe(Effect.provide(stack([], [[{ clientKey: "another_app", openId: "alice" }, stored("act.other", "rft.other")]]))))
})

describe("AccessToken.layerStore: the refresh answer names the creator it is for", () => {
  const seeded = stored("act.alice.0", "rft.alice", { expiresAt: 60 * 60 * 1000, refreshExpiresAt: 20 * day })
  // A file store in a fresh directory, seeded with alice's entry: what a restart would read back.
  const fileStack = (responder: DouyinTest.Responder) =>
    Layer.unwrapScoped(Effect.map(
      Effect.acquireRelease(
        Effect.sync(() => Fs.mkdtempSync(Path.join(Os.tmpdir(), "douyin-refresh-open-id-"))),
        (dir) => Effect.sync(() => Fs.rmSync(dir, { recursive: true, force: true }))
      ),
      (directory) => {
        const store = Layer.effect(
          TokenStore.TokenStore,
          Effect.tap(TokenStore.makeFile({ directory }), (s) => s.set(key("alice"), seeded))
        ).pipe(Layer.orDie, Layer.provide(NodeContext.layer))
        return stack(responder, [], { cacheFor: 0 }, store)
      }
    ))
  const plain = (entry: TokenStore.StoredToken) => ({
    ...entry,
    accessToken: Redacted.value(entry.accessToken),
    refreshToken: Redacted.value(entry.refreshToken)
  })
  const listed = Effect.flatMap(TokenStore.TokenStore, (s) => s.list(clientKey)).pipe(
    Effect.map((listing) => listing.entries.map(([k, entry]) => [k.openId, plain(entry)] as const))
  )

  it.scoped("file store: an answer for another open_id is DouyinPermissionError 2190015; alice's entry unchanged, none for the other", () =>
    Effect.gen(function*() {
      yield* TestClock.adjust("2 hours")
      const error = yield* Effect.flip((yield* AccessToken.AccessToken).refresh("alice", Redacted.make("act.alice.0")))
      expect(error).toMatchObject({ _tag: "DouyinPermissionError", code: 2190015, endpoint: "oauth/RefreshToken" })
      expect(error.message).toContain("another open_id")
      expect(error.message).not.toContain("act.mallory")
      expect(yield* onPath(refreshPath)).toHaveLength(1)
      expect(yield* listed).toEqual([["alice", plain(seeded)]])
      expect(yield* TokenStore.needingReauthorization(clientKey)).toEqual([])
    }).pipe(Effect.provide(fileStack((r) =>
      r.path === refreshPath
        ? userTokenReply({ accessToken: "act.mallory.1", openId: "mallory", refreshToken: "rft.mallory" })
        : DouyinTest.errorA(2190008)
    ))))

  it.scoped("file store: an answer without open_id is a DouyinDecodeError naming it; nothing stored", () =>
    Effect.gen(function*() {
      yield* TestClock.adjust("2 hours")
      const error = yield* Effect.flip((yield* AccessToken.AccessToken).refresh("alice", Redacted.make("act.alice.0")))
      expect(error._tag).toBe("DouyinDecodeError")
      expect(error.message).toContain("data.open_id: missing")
      expect(error.message).not.toContain("act.alice.1")
      expect(yield* listed).toEqual([["alice", plain(seeded)]])
    }).pipe(Effect.provide(fileStack((r) =>
      r.path === refreshPath
        ? DouyinTest.json({
          data: { access_token: "act.alice.1", expires_in: 1296000, refresh_token: "rft.alice", refresh_expires_in: 2592000 },
          message: "success"
        })
        : DouyinTest.errorA(2190008)
    ))))

  it.scoped("file store: an answer for the same open_id is stored with the earlier refresh expiry", () =>
    Effect.gen(function*() {
      yield* TestClock.adjust("2 hours")
      const token = yield* (yield* AccessToken.AccessToken).refresh("alice", Redacted.make("act.alice.0"))
      expect(Option.map(token, Redacted.value)).toEqual(Option.some("act.alice.1"))
      const [[openId, entry]] = yield* listed
      expect(openId).toBe("alice")
      expect(entry).toMatchObject({ accessToken: "act.alice.1", refreshToken: "rft.alice", refreshExpiresAt: 20 * day })
    }).pipe(Effect.provide(fileStack((r) =>
      r.path === refreshPath
        ? userTokenReply({ accessToken: "act.alice.1", openId: "alice", refreshToken: "rft.alice" })
        : DouyinTest.errorA(2190008)
    ))))
})
