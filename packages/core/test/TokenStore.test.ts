import { describe, expect, it } from "@effect/vitest"
import { Effect, Layer, Option, Redacted, TestClock } from "effect"
import { DouyinConfig, DouyinTest, OAuth, TokenStore } from "../src/index.js"
import { clientKey, credentials, day, oauthError, stored, userTokenReply } from "./tokenFixtures.js"

describe("TokenStore.layerMemory", () => {
  it.effect("entries are keyed by client_key and open_id", () =>
    Effect.gen(function*() {
      const store = yield* TokenStore.TokenStore
      yield* store.set({ clientKey: "app1", openId: "alice" }, stored("act.1", "rft.1"))
      yield* store.set({ clientKey: "app2", openId: "alice" }, stored("act.2", "rft.2"))
      // Keys that would collide if the two parts were simply concatenated.
      yield* store.set({ clientKey: "app1a", openId: "lice" }, stored("act.3", "rft.3"))
      const value = (clientKey: string, openId: string) =>
        Effect.map(store.get({ clientKey, openId }), Option.map((t) => Redacted.value(t.accessToken)))
      expect(yield* value("app1", "alice")).toEqual(Option.some("act.1"))
      expect(yield* value("app2", "alice")).toEqual(Option.some("act.2"))
      expect(yield* value("app1a", "lice")).toEqual(Option.some("act.3"))
      expect(yield* value("app1", "bob")).toEqual(Option.none())
      yield* store.remove({ clientKey: "app1", openId: "alice" })
      expect(yield* value("app1", "alice")).toEqual(Option.none())
      expect(yield* value("app2", "alice")).toEqual(Option.some("act.2"))
    }).pipe(Effect.provide(TokenStore.layerMemory())))

  it.effect("each layer has its own state", () =>
    Effect.gen(function*() {
      const a = yield* TokenStore.makeMemory()
      const b = yield* TokenStore.makeMemory()
      yield* a.set({ clientKey, openId: "alice" }, stored("act.a", "rft.a"))
      expect(yield* b.get({ clientKey, openId: "alice" })).toEqual(Option.none())
    }))
})

describe("TokenStore.authorize", () => {
  const layer = (reply: DouyinTest.Reply) =>
    Layer.mergeAll(TokenStore.layerMemory(), OAuth.layer(credentials)).pipe(
      Layer.provideMerge(DouyinTest.layer([reply])),
      Layer.provide(DouyinConfig.layer())
    )

  it.effect("exchanges the code and stores the tokens under client_key + the returned open_id", () =>
    Effect.gen(function*() {
      yield* TestClock.adjust("1 day")
      const token = yield* TokenStore.authorize("the-code")
      expect(token.openId).toBe("alice")
      const entry = Option.getOrThrow(yield* (yield* TokenStore.TokenStore).get({ clientKey, openId: "alice" }))
      expect(Redacted.value(entry.accessToken)).toBe("act.alice.0")
      expect(Redacted.value(entry.refreshToken)).toBe("rft.alice")
      expect(entry.expiresAt).toBe(day + 15 * day)
      expect(entry.refreshExpiresAt).toBe(day + 30 * day)
      expect(entry.scope).toEqual(["user_info"])
    }).pipe(Effect.provide(layer(userTokenReply({ accessToken: "act.alice.0", openId: "alice" })))))

  it.effect("stores nothing when the exchange fails", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(TokenStore.authorize("stale-code"))
      expect(error).toMatchObject({ _tag: "DouyinAuthError", code: 10007 })
      expect(yield* (yield* TokenStore.TokenStore).get({ clientKey, openId: "alice" })).toEqual(Option.none())
    }).pipe(Effect.provide(layer(oauthError(10007)))))
})
