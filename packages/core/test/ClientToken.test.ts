import { describe, expect, it } from "@effect/vitest"
import { Deferred, Effect, Fiber, Layer, Redacted, TestClock } from "effect"
import { ClientToken, DouyinConfig, DouyinTest, OAuth } from "../src/index.js"
import { credentials, oauthError, waitUntil } from "./tokenFixtures.js"

const clientTokenReply = (n: number, expiresIn: number | string = 7200) =>
  DouyinTest.json({
    data: { access_token: `clt.app.${n}`, description: "", error_code: 0, expires_in: expiresIn },
    message: "success"
  })

const layer = (responder: DouyinTest.Responder, options: ClientToken.Options = {}) =>
  ClientToken.layer(options).pipe(
    Layer.provide(OAuth.layer(credentials)),
    Layer.provideMerge(DouyinTest.layer(responder)),
    Layer.provide(DouyinConfig.layer())
  )

const fetches = Effect.map(DouyinTest.requests, (all) => all.filter((r) => r.path === "/oauth/client_token/").length)

describe("ClientToken", () => {
  it.effect("is fetched lazily, then served from the cache", () =>
    Effect.gen(function*() {
      const tokens = yield* ClientToken.ClientToken
      expect(yield* fetches).toBe(0)
      expect(Redacted.value(yield* tokens.get)).toBe("clt.app.1")
      yield* TestClock.adjust("1 hour")
      expect(Redacted.value(yield* tokens.get)).toBe("clt.app.1")
      expect(yield* fetches).toBe(1)
    }).pipe(Effect.provide(layer([clientTokenReply(1), clientTokenReply(2)]))))

  it.effect("is fetched again shortly before it expires (TestClock)", () =>
    Effect.gen(function*() {
      const tokens = yield* ClientToken.ClientToken
      yield* tokens.get
      yield* TestClock.adjust("114 minutes")
      expect(Redacted.value(yield* tokens.get)).toBe("clt.app.1")
      const later = yield* Effect.fork(Effect.zipRight(Effect.sleep("2 minutes"), tokens.get))
      yield* TestClock.adjust("2 minutes")
      expect(Redacted.value(yield* Fiber.join(later))).toBe("clt.app.2")
      expect(yield* fetches).toBe(2)
    }).pipe(Effect.provide(layer([clientTokenReply(1), clientTokenReply(2)]))))

  it.effect("100 concurrent callers share one fetch", () =>
    Effect.gen(function*() {
      const gate = yield* Deferred.make<void>()
      yield* Effect.gen(function*() {
        const tokens = yield* ClientToken.ClientToken
        const fibers = yield* Effect.forEach(Array.from({ length: 100 }), () => Effect.fork(tokens.get))
        yield* waitUntil(Effect.map(fetches, (n) => n === 1))
        for (let i = 0; i < 200; i++) yield* Effect.yieldNow()
        yield* Deferred.succeed(gate, undefined)
        const all = yield* Effect.forEach(fibers, Fiber.join)
        expect(new Set(all.map(Redacted.value))).toEqual(new Set(["clt.app.1"]))
        expect(yield* fetches).toBe(1)
      }).pipe(Effect.provide(layer(() => Effect.as(Deferred.await(gate), clientTokenReply(1)))))
    }), 20_000)

  it.effect("a failed fetch is not cached; invalidate forces a new fetch", () =>
    Effect.gen(function*() {
      const tokens = yield* ClientToken.ClientToken
      const error = yield* Effect.flip(tokens.get)
      expect(error).toMatchObject({ _tag: "DouyinQuotaError", code: 10020 })
      expect(Redacted.value(yield* tokens.get)).toBe("clt.app.2")
      yield* tokens.invalidate
      expect(Redacted.value(yield* tokens.get)).toBe("clt.app.3")
      expect(yield* fetches).toBe(3)
    }).pipe(Effect.provide(layer([oauthError(10020), clientTokenReply(2), clientTokenReply(3)]))))
})
