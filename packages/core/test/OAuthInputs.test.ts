// The inputs of the OAuth side, checked one by one:
// - every secret input takes a plain string or a `Redacted` alike, with the same effect (the
//   code, the refresh token, the client secret, the state key, the token-store encryption key);
// - after the `OAuth` layer is built, nothing a program calls asks for the app's client key
//   again: `OAuth.Service` (accessToken, refreshToken, renewRefreshToken, authorizeUrl,
//   clientToken), `OAuthState` (issue, verify), `Onboarding` (start, complete), `TokenStore`'s
//   flows (authorize, needingReauthorization) and `AccessToken` (by open_id) all take it from the
//   layer. (`TokenStore.Service` itself is the backend contract, keyed by client_key + open_id
//   for every app a store may hold, the client-token pseudo-app included.)
import { NodeContext } from "@effect/platform-node"
import { describe, expect, expectTypeOf, it } from "@effect/vitest"
import { ConfigError, Effect, Layer, Option, Redacted, TestClock } from "effect"
import * as Fs from "node:fs"
import * as Os from "node:os"
import * as Path from "node:path"
import type { Onboarding } from "../src/index.js"
import { DouyinConfig, DouyinTest, OAuth, OAuthState, TokenStore } from "../src/index.js"
import { clientKey, clientSecret, day, form, key, stored, userTokenReply } from "./tokenFixtures.js"

const answers = (request: DouyinTest.RecordedRequest): DouyinTest.Reply => {
  if (request.path === "/oauth/renew_refresh_token/") {
    return DouyinTest.json({ data: { refresh_token: "rft.renewed", expires_in: 2592000, error_code: 0 }, message: "success" })
  }
  if (request.path === "/oauth/client_token/") {
    return DouyinTest.json({ data: { access_token: "clt.app", expires_in: 7200, error_code: 0 }, message: "success" })
  }
  return userTokenReply({ accessToken: "act.alice.1", openId: "alice" })
}

const oauthWith = (secret: string | Redacted.Redacted<string>) =>
  OAuth.layer({ clientKey, clientSecret: secret }).pipe(
    Layer.provideMerge(DouyinTest.layer(answers)),
    Layer.provide(DouyinConfig.layer())
  )

/** What reached the wire: path and body of every request. */
const sent = Effect.map(DouyinTest.requests, (all) =>
  all.map((r) => ({
    path: r.path,
    body: r.headers["content-type"] === "application/x-www-form-urlencoded" ? form(r) : r.body
  })))

describe("OAuth inputs take string | Redacted alike", () => {
  const run = (asRedacted: boolean) => {
    const s = (value: string) => (asRedacted ? Redacted.make(value) : value)
    return Effect.gen(function*() {
      const oauth = yield* OAuth.OAuth
      const exchanged = yield* oauth.accessToken(s("code-1"))
      const refreshed = yield* oauth.refreshToken(s("rft.alice"))
      const renewed = yield* oauth.renewRefreshToken(s("rft.alice"))
      yield* oauth.clientToken
      return {
        sent: yield* sent,
        results: [exchanged, refreshed].map((t) => [t.openId, Redacted.value(t.accessToken)]),
        renewed: Redacted.value(renewed.refreshToken)
      }
    }).pipe(Effect.provide(oauthWith(s(clientSecret))))
  }

  it.effect("code, refresh token and client secret: the same requests and results as strings and as Redacted", () =>
    Effect.gen(function*() {
      const plain = yield* run(false)
      const redacted = yield* run(true)
      expect(plain).toEqual(redacted)
      expect(plain.sent.map((r) => r.path)).toEqual([
        "/oauth/access_token/",
        "/oauth/refresh_token/",
        "/oauth/renew_refresh_token/",
        "/oauth/client_token/"
      ])
      expect(plain.sent[0].body).toEqual({
        client_key: clientKey,
        client_secret: clientSecret,
        code: "code-1",
        grant_type: "authorization_code"
      })
      expect(plain.sent[3].body).toEqual({ client_key: clientKey, client_secret: clientSecret, grant_type: "client_credential" })
    }))

  it.effect("a blank client secret is refused as a string as it is as Redacted, never quoted", () =>
    Effect.gen(function*() {
      for (const secret of ["  ", Redacted.make("  ")]) {
        const error = yield* Effect.flip(Effect.scoped(Layer.build(oauthWith(secret))))
        expect(ConfigError.isConfigError(error)).toBe(true)
        expect(String(error)).toContain("clientSecret")
      }
    }))

  const nonces = OAuthState.layerNoncesMemory
  const stateKey = "state-key-of-the-inputs-test-0123456789abcdef"
  const states = (key: string | Redacted.Redacted<string>) =>
    OAuthState.make({ key }).pipe(Effect.provide(Layer.merge(nonces, oauthWith(clientSecret))))

  it.effect("state key: a state signed with the key as a string verifies with it as Redacted, and back", () =>
    Effect.gen(function*() {
      const plain = yield* states(stateKey)
      const redacted = yield* states(Redacted.make(stateKey))
      const other = yield* states("another-state-key-of-the-inputs-test-0123456789")
      expect(yield* redacted.verify(yield* plain.issue("tenant-7"))).toMatchObject({ context: "tenant-7" })
      expect(yield* plain.verify(yield* redacted.issue("tenant-8"))).toMatchObject({ context: "tenant-8" })
      const forged = yield* Effect.flip(other.verify(yield* plain.issue()))
      expect(forged).toMatchObject({ _tag: "OAuthStateError", reason: "forged" })
    }))

  it.effect("state key from code: shorter than 32 characters is a ConfigError naming `key`, as from config; never quoted", () =>
    Effect.gen(function*() {
      for (const short of ["short-state-key", Redacted.make("short-state-key")]) {
        const error = yield* Effect.flip(states(short))
        expect(ConfigError.isConfigError(error)).toBe(true)
        expect(String(error)).toContain("at key")
        expect(String(error)).toContain("at least 32 characters")
        expect(String(error)).not.toContain("short-state-key")
      }
      const ttl = yield* Effect.flip(
        OAuthState.make({ key: stateKey, ttl: "0 seconds" }).pipe(
          Effect.provide(Layer.merge(nonces, oauthWith(clientSecret)))
        )
      )
      expect(String(ttl)).toContain("at ttl")
    }))

  it.scoped("token-store encryption key: an entry sealed with the key as a string opens with it as Redacted", () =>
    Effect.gen(function*() {
      const directory = yield* Effect.acquireRelease(
        Effect.sync(() => Fs.mkdtempSync(Path.join(Os.tmpdir(), "douyin-inputs-"))),
        (dir) => Effect.sync(() => Fs.rmSync(dir, { recursive: true, force: true }))
      )
      const material = Buffer.alloc(32, 7).toString("base64")
      const file = (k: string | Redacted.Redacted<string>) =>
        TokenStore.makeFile({ directory, encryption: { keys: [{ id: "k1", key: k }] } }).pipe(Effect.provide(NodeContext.layer))
      yield* (yield* file(material)).set(key("alice"), stored("act.alice.0", "rft.alice"))
      const read = yield* (yield* file(Redacted.make(material))).get(key("alice"))
      expect(Option.map(read, (t) => Redacted.value(t.accessToken))).toEqual(Option.some("act.alice.0"))
      expect(Fs.readFileSync(Path.join(directory, Fs.readdirSync(directory)[0]), "utf8")).not.toContain("act.alice.0")
      for (const bad of ["short", Redacted.make("short")]) {
        const error = yield* Effect.flip(file(bad))
        expect(error).toMatchObject({ _tag: "TokenStoreError", operation: "configure" })
      }
    }))
})

describe("the app's client key is not asked for again once the OAuth layer knows it", () => {
  const withStore = (seed: Iterable<readonly [TokenStore.Key, TokenStore.StoredToken]>) =>
    Layer.merge(oauthWith(clientSecret), TokenStore.layerMemory(seed))

  it("the signatures: no client key among the arguments after the layer is built", () => {
    expectTypeOf<Parameters<OAuth.Service["accessToken"]>>().toEqualTypeOf<[code: string | Redacted.Redacted<string>]>()
    expectTypeOf<Parameters<OAuth.Service["refreshToken"]>>().toEqualTypeOf<
      [refreshToken: string | Redacted.Redacted<string>]
    >()
    expectTypeOf<Parameters<OAuth.Service["authorizeUrl"]>[0]>().not.toHaveProperty("clientKey")
    expectTypeOf<Parameters<OAuthState.Service["issue"]>>().toEqualTypeOf<[context?: string | undefined]>()
    expectTypeOf<Parameters<Onboarding.Service["start"]>>().toEqualTypeOf<[context?: string | undefined]>()
    expectTypeOf(TokenStore.authorize).parameters.toEqualTypeOf<[code: string | Redacted.Redacted<string>]>()
    // The listing of the layer's app needs the OAuth layer, not its key.
    expectTypeOf(TokenStore.needingReauthorization()).toEqualTypeOf<
      Effect.Effect<ReadonlyArray<TokenStore.NeedsReauthorization>, TokenStore.TokenStoreError, TokenStore.TokenStore | OAuth.OAuth>
    >()
  })

  it.effect("TokenStore.needingReauthorization(): the OAuth app's creators, as with its client key; not another app's", () =>
    Effect.gen(function*() {
      yield* TestClock.adjust(31 * day)
      const listed = yield* TokenStore.needingReauthorization()
      expect(listed.map((c) => [c.openId, c.reason])).toEqual([["alice", "refresh-token-expired"]])
      expect(listed).toEqual(yield* TokenStore.needingReauthorization(clientKey))
      expect((yield* TokenStore.needingReauthorization("other_app")).map((c) => c.openId)).toEqual(["bob"])
    }).pipe(Effect.provide(withStore([
      [key("alice"), stored("act.alice.0", "rft.alice")],
      [{ clientKey: "other_app", openId: "bob" }, stored("act.bob.0", "rft.bob")]
    ]))))

  it.effect("TokenStore.authorize(code) stores under the layer's client key", () =>
    Effect.gen(function*() {
      const token = yield* TokenStore.authorize("code-1")
      expect(token.openId).toBe("alice")
      const entry = yield* Effect.flatMap(TokenStore.TokenStore, (s) => s.get(key("alice")))
      expect(Option.map(entry, (t) => Redacted.value(t.accessToken))).toEqual(Option.some("act.alice.1"))
    }).pipe(Effect.provide(withStore([]))))
})
