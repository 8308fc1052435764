import { describe, expect, it } from "@effect/vitest"
import { Effect, Option, TestClock } from "effect"
import { DouyinTest, Endpoint, TokenStore } from "../src/index.js"
import { Count, day, key, onPath, stack, stored, userTokenReply } from "./tokenFixtures.js"

const refreshPath = "/oauth/refresh_token/"
const renewPath = "/oauth/renew_refresh_token/"
const countPath = "/im/group/count/"
const minute = 60 * 1000

// Douyin answers every refresh with a full 30-day `refresh_expires_in`, and a renewal with a new
// refresh token; the count endpoint accepts any token.
const responder = (request: DouyinTest.RecordedRequest): DouyinTest.Reply => {
  if (request.path === refreshPath) {
    return userTokenReply({ accessToken: "act.alice.new", openId: "alice", refreshToken: "rft.alice", refreshExpiresIn: 2592000 })
  }
  if (request.path === renewPath) {
    return DouyinTest.json({ data: { refresh_token: "rft.alice.renewed", expires_in: 2592000, error_code: 0, description: "" } })
  }
  if (request.path === countPath) return DouyinTest.successA({ left_count: 2 })
  return DouyinTest.text(404, "not found")
}

const count = Effect.flatMap(Endpoint.handler(Count), (call) => call({ openId: "alice" }))
const entry = Effect.flatMap(TokenStore.TokenStore, (s) => s.get(key("alice"))).pipe(Effect.map(Option.getOrThrow))

describe("refresh keeps the refresh token's real expiry", () => {
  it.effect("stored 20 days, answer 30 days: 20 kept; the renewal fires 5 days before the real expiry (TestClock)", () =>
    Effect.gen(function*() {
      // The access token expired (1 hour); the refresh token has 20 days left.
      yield* TestClock.adjust("2 hours")
      yield* count
      expect(yield* onPath(refreshPath)).toHaveLength(1)
      expect((yield* entry).refreshExpiresAt).toBe(20 * day)

      // Just before 15 days (5 days before the real expiry): no renewal yet.
      yield* TestClock.setTime(15 * day - minute)
      yield* count
      expect(yield* onPath(renewPath)).toHaveLength(0)

      // Just after: renewed (with the 30 days the answer believed, it would wait until day 25).
      yield* TestClock.setTime(15 * day + minute)
      yield* count
      expect(yield* onPath(renewPath)).toHaveLength(1)
      const renewed = yield* entry
      expect(renewed.refreshExpiresAt).toBe(15 * day + minute + 30 * day)
      expect(yield* onPath(refreshPath)).toHaveLength(1)
    }).pipe(Effect.provide(stack(
      responder,
      [[key("alice"), stored("act.alice.0", "rft.alice", { expiresAt: 60 * minute, refreshExpiresAt: 20 * day })]],
      { cacheFor: 0 }
    ))))

  it.effect("an answer that implies an earlier expiry than the stored one wins", () =>
    Effect.gen(function*() {
      yield* TestClock.adjust("2 hours")
      yield* count
      expect((yield* entry).refreshExpiresAt).toBe(2 * 60 * minute + 2592000 * 1000)
    }).pipe(Effect.provide(stack(
      responder,
      [[key("alice"), stored("act.alice.0", "rft.alice", { expiresAt: 60 * minute, refreshExpiresAt: 40 * day })]],
      { cacheFor: 0 }
    ))))
})
