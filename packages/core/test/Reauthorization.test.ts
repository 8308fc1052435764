// The reasons a creator must authorize again, as a program sees them: on the call's error
// (`reason`), in `TokenStore.needingReauthorization` and as `onReauthorization` events.
import { describe, expect, it } from "@effect/vitest"
import { Effect, TestClock } from "effect"
import { type AccessToken, DouyinTest, Endpoint, TokenStore } from "../src/index.js"
import { clientKey, Count, day, key, oauthError, onPath, stack, stored } from "./tokenFixtures.js"

const refreshPath = "/oauth/refresh_token/"
const renewPath = "/oauth/renew_refresh_token/"
const countPath = "/im/group/count/"

const count = (openId: string) => Effect.flatMap(Endpoint.handler(Count), (call) => call({ openId }))
const listing = TokenStore.needingReauthorization(clientKey)

const withEvents = (
  responder: DouyinTest.Responder,
  seed: ReadonlyArray<readonly [TokenStore.Key, TokenStore.StoredToken]>,
  events: Array<AccessToken.ReauthorizationEvent>
) => stack(responder, seed, { cacheFor: 0, onReauthorization: (e) => Effect.sync(() => void events.push(e)) })

describe("reauthorization reasons", () => {
  it.effect("never authorized: reason never-authorized (not the text), nothing sent, not listed", () => {
    const events: Array<AccessToken.ReauthorizationEvent> = []
    return Effect.gen(function*() {
      const error = yield* Effect.flip(count("nobody"))
      expect(error).toMatchObject({ _tag: "DouyinAuthError", reason: "never-authorized" })
      expect(error.message).toContain("[never-authorized]")
      expect(yield* DouyinTest.requests).toHaveLength(0)
      expect(yield* listing).toEqual([])
    }).pipe(Effect.provide(withEvents([], [], events)))
  })

  it.effect("10010 at the end of the refresh token's life: refresh-token-expired on the error, the listing and the event", () => {
    const events: Array<AccessToken.ReauthorizationEvent> = []
    return Effect.gen(function*() {
      yield* TestClock.adjust("2 hours")
      const error = yield* Effect.flip(count("alice"))
      expect(error).toMatchObject({ _tag: "DouyinAuthError", code: 10010, reason: "refresh-token-expired" })
      expect(yield* listing).toMatchObject([{ openId: "alice", reason: "refresh-token-expired", code: 10010 }])
      expect(events).toMatchObject([{ openId: "alice", reason: "refresh-token-expired", code: 10010, during: "refresh" }])
    }).pipe(Effect.provide(withEvents(
      { [`POST ${refreshPath}`]: oauthError(10010, "refresh_token expired") },
      // access token expired at 1 h; refresh token 2 h 30 min: Douyin's 10010 comes within the last hour
      [[key("alice"), stored("act.0", "rft.alice", { expiresAt: 60 * 60 * 1000, refreshExpiresAt: 150 * 60 * 1000 })]],
      events
    )))
  })

  it.effect("10010 long before the known expiry: revoked; the stored expiry ending later changes nothing", () => {
    const events: Array<AccessToken.ReauthorizationEvent> = []
    return Effect.gen(function*() {
      yield* TestClock.adjust("2 hours")
      const error = yield* Effect.flip(count("alice"))
      expect(error).toMatchObject({ _tag: "DouyinAuthError", code: 10010, reason: "revoked" })
      expect(yield* listing).toMatchObject([{ openId: "alice", reason: "revoked" }])
      expect(events).toMatchObject([{ reason: "revoked", during: "refresh" }])
      // Asked again: no request, the same reason.
      const again = yield* Effect.flip(count("alice"))
      expect(again).toMatchObject({ reason: "revoked" })
      expect(yield* onPath(refreshPath)).toHaveLength(1)
    }).pipe(Effect.provide(withEvents(
      { [`POST ${refreshPath}`]: oauthError(10010, "refresh_token expired") },
      [[key("alice"), stored("act.0", "rft.alice", { expiresAt: 60 * 60 * 1000, refreshExpiresAt: 20 * day })]],
      events
    )))
  })

  it.effect("a stored refresh token past its expiry: listed as refresh-token-expired without any request", () =>
    Effect.gen(function*() {
      yield* TestClock.adjust("2 days")
      expect(yield* listing).toMatchObject([{ openId: "alice", reason: "refresh-token-expired", code: 10010 }])
      expect(yield* Effect.flip(count("alice"))).toMatchObject({ reason: "refresh-token-expired" })
      expect(yield* DouyinTest.requests).toHaveLength(0)
    }).pipe(
      Effect.provide(
        withEvents([], [[key("alice"), stored("act.0", "rft.alice", { expiresAt: 60 * 60 * 1000, refreshExpiresAt: day })]], [])
      )
    ))

  it.effect("2190003 on a call: scope-not-granted on the error, the listing and the event; calls still use the token", () => {
    const events: Array<AccessToken.ReauthorizationEvent> = []
    return Effect.gen(function*() {
      const error = yield* Effect.flip(count("alice"))
      expect(error).toMatchObject({ _tag: "DouyinPermissionError", code: 2190003, reason: "scope-not-granted" })
      expect(yield* listing).toMatchObject([{ openId: "alice", reason: "scope-not-granted", code: 2190003 }])
      expect(events).toMatchObject([{ openId: "alice", reason: "scope-not-granted", during: "call" }])
      yield* Effect.flip(count("alice"))
      expect(events).toHaveLength(1)
      expect(yield* onPath(countPath)).toHaveLength(2)
    }).pipe(Effect.provide(withEvents(
      { [`GET ${countPath}`]: DouyinTest.errorA(2190003, "user has not authorized this API") },
      [[key("alice"), stored("act.0", "rft.alice")]],
      events
    )))
  })

  it.effect("renewal refused (10004): renewal-refused in the listing and the event; the call still succeeds", () => {
    const events: Array<AccessToken.ReauthorizationEvent> = []
    return Effect.gen(function*() {
      yield* TestClock.adjust("1 hour")
      expect(yield* count("alice")).toEqual({ leftCount: 2 })
      expect(yield* onPath(renewPath)).toHaveLength(1)
      expect(yield* listing).toMatchObject([{ openId: "alice", reason: "renewal-refused", code: 10004 }])
      expect(events).toMatchObject([{ reason: "renewal-refused", code: 10004, during: "renewal" }])
    }).pipe(Effect.provide(withEvents(
      {
        [`POST ${renewPath}`]: oauthError(10004, "no permission"),
        [`GET ${countPath}`]: DouyinTest.successA({ left_count: 2 })
      },
      [[key("alice"), stored("act.0", "rft.alice", { refreshExpiresAt: 2 * day })]],
      events
    )))
  })
})
