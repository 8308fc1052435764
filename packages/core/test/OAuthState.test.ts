// The signed, single-use, expiring OAuth state, with its nonces in each backend (memory, a
// directory, a real redis-server): the same checks run against each; two instances sharing
// a backend see one state as used once.
import { NodeContext } from "@effect/platform-node"
import { describe, expect, it } from "@effect/vitest"
import { ConfigProvider, Effect, Layer, Redacted, type Scope, TestClock } from "effect"
import * as Fs from "node:fs"
import * as Os from "node:os"
import * as Path from "node:path"
import { DouyinConfig, DouyinTest, OAuth, OAuthState } from "../src/index.js"
import * as OAuthStateRedis from "../src/OAuthStateRedis.js"
import * as Redis from "../src/Redis.js"
import * as RedisServer from "../../../test/support/RedisServer.js"
import { credentials } from "./tokenFixtures.js"

const key = Redacted.make("state-key-of-the-test-app-0123456789abcdef")

const oauthOf = (clientKey: string) =>
  OAuth.layer({ ...credentials, clientKey }).pipe(
    Layer.provide(DouyinTest.layer(() => DouyinTest.text(500, "no request expected"))),
    Layer.provide(DouyinConfig.layer())
  )

/** One instance of the app: its own OAuthState service over the given nonce store. */
const instance = (
  nonces: OAuthState.NonceStoreService,
  options: { readonly clientKey?: string; readonly key?: Redacted.Redacted<string> } = {}
) =>
  OAuthState.make({ key: options.key ?? key, ttl: "10 minutes" }).pipe(
    Effect.provideService(OAuthState.NonceStore, nonces),
    Effect.provide(oauthOf(options.clientKey ?? credentials.clientKey))
  )

type Backend = Effect.Effect<readonly [OAuthState.NonceStoreService, OAuthState.NonceStoreService], unknown, Scope.Scope>

const memory: Backend = Effect.map(OAuthState.makeNoncesMemory, (s) => [s, s] as const)

const file: Backend = Effect.gen(function*() {
  const directory = yield* Effect.acquireRelease(
    Effect.sync(() => Fs.mkdtempSync(Path.join(Os.tmpdir(), "douyin-states-"))),
    (d) => Effect.sync(() => Fs.rmSync(d, { recursive: true, force: true }))
  )
  const one = yield* OAuthState.makeNoncesFile(directory)
  const two = yield* OAuthState.makeNoncesFile(directory)
  return [one, two] as const
}).pipe(Effect.provide(NodeContext.layer))

const redis: Backend = Effect.gen(function*() {
  const server = yield* RedisServer.scoped
  const nonces = (prefix: string) =>
    Effect.flatMap(Redis.make({ url: server.url, prefix }), (r) => Effect.provideService(OAuthStateRedis.makeNonces, Redis.Redis, r))
  return [yield* nonces("states:"), yield* nonces("states:")] as const
})

const contract = (name: string, backend: Backend) =>
  describe(`OAuthState over ${name} nonces`, () => {
    it.scoped("a state issued by one instance verifies once on another, with its context; the replay is refused", () =>
      Effect.gen(function*() {
        const [n1, n2] = yield* backend
        const a = yield* instance(n1)
        const b = yield* instance(n2)
        const state = yield* a.issue("tenant-42")
        expect(yield* b.verify(state)).toMatchObject({ context: "tenant-42" })
        expect(yield* Effect.flip(a.verify(state))).toMatchObject({ _tag: "OAuthStateError", reason: "replayed" })
        expect(yield* Effect.flip(b.verify(state))).toMatchObject({ reason: "replayed" })
      }))

    it.scoped("two instances verifying one state at once: exactly one succeeds", () =>
      Effect.gen(function*() {
        const [n1, n2] = yield* backend
        const a = yield* instance(n1)
        const b = yield* instance(n2)
        const state = yield* a.issue()
        const results = yield* Effect.all(
          Array.from({ length: 10 }, (_, i) => Effect.either((i % 2 === 0 ? a : b).verify(state))),
          { concurrency: "unbounded" }
        )
        expect(results.filter((r) => r._tag === "Right")).toHaveLength(1)
      }))

    it.scoped("every state is different (random nonce) and carries no context unless given", () =>
      Effect.gen(function*() {
        const [n1] = yield* backend
        const a = yield* instance(n1)
        const states = yield* Effect.all(Array.from({ length: 50 }, () => a.issue()))
        expect(new Set(states).size).toBe(50)
        expect((yield* a.verify(states[0])).context).toBeUndefined()
      }))

    it.scoped("expired after its ttl (TestClock): refused as expired, and the nonce is not used", () =>
      Effect.gen(function*() {
        const [n1] = yield* backend
        const a = yield* instance(n1)
        const state = yield* a.issue()
        yield* TestClock.adjust("10 minutes")
        expect(yield* Effect.flip(a.verify(state))).toMatchObject({ reason: "expired" })
      }))

    it.scoped("forged: a changed payload, a changed signature, another key", () =>
      Effect.gen(function*() {
        const [n1] = yield* backend
        const a = yield* instance(n1)
        const other = yield* instance(n1, { key: Redacted.make("another-key-another-key-another-key!!") })
        const state = yield* a.issue("tenant-1")
        const [v, payload, mac] = state.split(".")
        const otherPayload = Buffer.from(
          JSON.stringify(JSON.parse(Buffer.from(payload, "base64url").toString()).with(3, "tenant-2"))
        ).toString("base64url")
        const flipped = (mac[0] === "A" ? "B" : "A") + mac.slice(1)
        for (const forged of [`${v}.${otherPayload}.${mac}`, `${v}.${payload}.${flipped}`, yield* other.issue("tenant-1")]) {
          expect(yield* Effect.flip(a.verify(forged))).toMatchObject({ _tag: "OAuthStateError", reason: "forged" })
        }
        // The genuine state is still unused.
        expect(yield* a.verify(state)).toMatchObject({ context: "tenant-1" })
      }))

    it.scoped("foreign: signed with the same key for another client_key", () =>
      Effect.gen(function*() {
        const [n1] = yield* backend
        const a = yield* instance(n1)
        const otherApp = yield* instance(n1, { clientKey: "ck_other_app" })
        const error = yield* Effect.flip(a.verify(yield* otherApp.issue()))
        expect(error).toMatchObject({ reason: "foreign" })
      }))

    it.scoped("malformed: empty, garbage, over-long; the error never quotes the state", () =>
      Effect.gen(function*() {
        const [n1] = yield* backend
        const a = yield* instance(n1)
        for (const bad of ["", "garbage", "v1.x", "v2.abc.def", "v1.!!.??", `v1.${"a".repeat(2000)}.b`]) {
          const error = yield* Effect.flip(a.verify(bad))
          expect(error).toMatchObject({ reason: "malformed" })
          if (bad.length > 3) expect(error.message).not.toContain(bad)
        }
      }))
  })

contract("memory", memory)
contract("file", file)
contract("redis", redis)

describe("OAuthState.issue: bad input", () => {
  it.effect("a context that makes the state longer than a consent URL takes is a typed error", () =>
    Effect.gen(function*() {
      const a = yield* instance(yield* OAuthState.makeNoncesMemory)
      const error = yield* Effect.flip(a.issue("x".repeat(800)))
      expect(error).toMatchObject({ _tag: "DouyinInvalidInput", endpoint: "oauth/State" })
      expect(error.description).toContain("at most 1024")
      expect((yield* a.issue("x".repeat(500))).length).toBeLessThanOrEqual(1024)
    }))

  it.effect("config: a short DOUYIN_STATE_KEY is refused; a long one builds", () =>
    Effect.gen(function*() {
      const build = (stateKey: string) =>
        Layer.build(OAuthState.layerConfig().pipe(Layer.provide(OAuthState.layerNoncesMemory), Layer.provide(oauthOf("ck")))).pipe(
          Effect.scoped,
          Effect.withConfigProvider(ConfigProvider.fromMap(new Map([["DOUYIN_STATE_KEY", stateKey]])))
        )
      const error = yield* Effect.flip(build("short"))
      expect(String(error)).toContain("at least 32 characters")
      expect(String(error)).not.toContain("short")
      yield* build("k".repeat(32))
    }))
})
