import { describe, expect, it } from "@effect/vitest"
import { Effect, Layer, Logger, Option, Redacted, Ref, type Scope, TestClock } from "effect"
import { ClientToken, DouyinConfig, DouyinTest, OAuth, TokenStore } from "../src/index.js"
import { credentials, oauthError } from "./tokenFixtures.js"

const clientTokenReply = (n: number, expiresIn = 7200) =>
  DouyinTest.json({
    data: { access_token: `clt.app.${n}`, description: "", error_code: 0, expires_in: expiresIn },
    message: "success"
  })

const fetches = Effect.map(DouyinTest.requests, (all) => all.filter((r) => r.path === "/oauth/client_token/").length)

const withStore = <A, E>(
  responder: DouyinTest.Responder,
  f: (
    tokens: ClientToken.Service,
    store: TokenStore.Service
  ) => Effect.Effect<A, E, DouyinTest.Recorder | TokenStore.TokenStore | OAuth.OAuth | Scope.Scope>,
  options: ClientToken.StoreOptions = {}
) =>
  Effect.gen(function*() {
    const store = yield* TokenStore.TokenStore
    const tokens = yield* ClientToken.makeStore(options)
    return yield* f(tokens, store)
  }).pipe(
    Effect.scoped,
    Effect.provide(
      Layer.mergeAll(TokenStore.layerMemory(), OAuth.layer(credentials)).pipe(
        Layer.provideMerge(DouyinTest.layer(responder)),
        Layer.provide(DouyinConfig.layer())
      )
    )
  )

describe("ClientToken.layerStore (the client token in the TokenStore)", () => {
  it.effect("two instances sharing the store: one fetch; both get the same token until it nears expiry, then one fetch again", () =>
    withStore([clientTokenReply(1), clientTokenReply(2), clientTokenReply(3)], (a) =>
      Effect.gen(function*() {
        // a second instance over the same store and OAuth server
        const b = yield* ClientToken.makeStore({ cacheFor: 0 })
        expect(Redacted.value(yield* a.get)).toBe("clt.app.1")
        expect(Redacted.value(yield* b.get)).toBe("clt.app.1")
        yield* TestClock.adjust("114 minutes")
        expect(Redacted.value(yield* b.get)).toBe("clt.app.1")
        yield* TestClock.adjust("2 minutes")
        expect(Redacted.value(yield* b.get)).toBe("clt.app.2")
        expect(Redacted.value(yield* a.get)).toBe("clt.app.2")
        expect(yield* fetches).toBe(2)
      }), { cacheFor: 0 }))

  it.effect("the entry: under the pseudo-app @client_token, keyed by the client_key; not in the app's listing", () =>
    withStore([clientTokenReply(1)], (tokens, store) =>
      Effect.gen(function*() {
        yield* tokens.get
        const entry = yield* store.get(ClientToken.storeKey(credentials.clientKey))
        expect(Option.map(entry, (e) => Redacted.value(e.accessToken))).toStrictEqual(Option.some("clt.app.1"))
        expect(Option.map(entry, (e) => e.expiresAt)).toStrictEqual(Option.some(7200 * 1000))
        expect(yield* store.list(credentials.clientKey)).toStrictEqual({ entries: [], unreadable: [] })
        expect(ClientToken.storeKey(credentials.clientKey)).toStrictEqual({ clientKey: "@client_token", openId: credentials.clientKey })
      })))

  it.effect("refresh(stale): a different valid token in the store is used without a fetch; the same one is fetched anew, once", () =>
    withStore([clientTokenReply(1), clientTokenReply(2)], (tokens, store) =>
      Effect.gen(function*() {
        const first = yield* tokens.get
        // another process fetched meanwhile
        yield* store.set(ClientToken.storeKey(credentials.clientKey), {
          accessToken: Redacted.make("clt.other"),
          expiresAt: 7_200_000,
          refreshToken: Redacted.make(""),
          refreshExpiresAt: 7_200_000,
          scope: []
        })
        const fromStore = yield* tokens.refresh(first)
        expect(Option.map(fromStore, Redacted.value)).toStrictEqual(Option.some("clt.other"))
        expect(yield* fetches).toBe(1)
        const fetched = yield* Effect.all([tokens.refresh(Redacted.make("clt.other")), tokens.refresh(Redacted.make("clt.other"))], {
          concurrency: "unbounded"
        })
        expect(fetched.map((o) => Option.map(o, Redacted.value))).toStrictEqual([Option.some("clt.app.2"), Option.some("clt.app.2")])
        expect(yield* fetches).toBe(2)
      })))

  it.effect("a failed fetch while the stored token is valid keeps it in use; with none stored the OAuth error is the call's", () =>
    withStore([clientTokenReply(1), oauthError(10020)], (tokens) =>
      Effect.gen(function*() {
        yield* tokens.get
        yield* TestClock.adjust("116 minutes")
        expect(Redacted.value(yield* tokens.get)).toBe("clt.app.1")
        yield* TestClock.adjust("5 minutes")
        const error = yield* Effect.flip(tokens.get)
        expect(error).toMatchObject({ _tag: "DouyinQuotaError", code: 10020 })
      }), { cacheFor: 0 }))

  it.effect("a store failure is DouyinStoreError and nothing is fetched", () =>
    Effect.gen(function*() {
      const failing: TokenStore.Service = {
        name: "broken",
        get: () => Effect.fail(new TokenStore.TokenStoreError({ store: "broken", operation: "read", description: "down" })),
        set: () => Effect.void,
        remove: () => Effect.void,
        list: () => Effect.succeed({ entries: [], unreadable: [] }),
        withLease: (_k, _t, effect) => effect
      }
      const tokens = yield* ClientToken.makeStore().pipe(Effect.provideService(TokenStore.TokenStore, failing))
      const error = yield* Effect.flip(tokens.get)
      expect(error).toMatchObject({ _tag: "DouyinStoreError", endpoint: "ClientToken/store", store: "broken" })
      expect(yield* fetches).toBe(0)
    }).pipe(
      Effect.scoped,
      Effect.provide(
        OAuth.layer(credentials).pipe(Layer.provideMerge(DouyinTest.layer([clientTokenReply(1)])), Layer.provide(DouyinConfig.layer()))
      )
    ))

  it.effect("the token never reaches the logs (a failed fetch is logged without it)", () =>
    Effect.gen(function*() {
      const lines = yield* Ref.make<ReadonlyArray<string>>([])
      const logger = Logger.make(({ message }) => Effect.runSync(Ref.update(lines, (l) => [...l, JSON.stringify(message)])))
      yield* withStore([clientTokenReply(1), oauthError(2100004)], (tokens) =>
        Effect.gen(function*() {
          yield* tokens.get
          yield* TestClock.adjust("116 minutes")
          yield* tokens.get
        }), { cacheFor: 0 }).pipe(Effect.provide(Logger.replace(Logger.defaultLogger, logger)))
      const logged = yield* Ref.get(lines)
      expect(logged.length).toBeGreaterThan(0)
      expect(logged.join("\n")).not.toContain("clt.app.1")
    }))
})
