// One contract for every TokenStore (memory, file, Redis): the same suite runs against each.
// "Two instances" are two services over the same state (for memory: the same service), as two
// processes of one app would be.
import { NodeContext } from "@effect/platform-node"
import { describe, expect, it } from "@effect/vitest"
import { ConfigProvider, Deferred, Duration, Effect, Fiber, Layer, Option, Redacted, type Scope } from "effect"
import * as Fs from "node:fs"
import * as Os from "node:os"
import * as Path from "node:path"
import { TokenStore } from "../src/index.js"
import * as Redis from "../src/Redis.js"
import * as TokenStoreRedis from "../src/TokenStoreRedis.js"
import * as RedisServer from "../../../test/support/RedisServer.js"
import { stored } from "./tokenFixtures.js"

type Pair = readonly [TokenStore.Service, TokenStore.Service]

const tempDir = Effect.acquireRelease(
  Effect.sync(() => Fs.mkdtempSync(Path.join(Os.tmpdir(), "douyin-tokens-"))),
  (dir) => Effect.sync(() => Fs.rmSync(dir, { recursive: true, force: true }))
)

const key = (clientKey: string, openId: string): TokenStore.Key => ({ clientKey, openId })
const accessOf = (entry: Option.Option<TokenStore.StoredToken>) => Option.map(entry, (t) => Redacted.value(t.accessToken))

const contract = (name: string, pair: Effect.Effect<Pair, unknown, Scope.Scope>) =>
  describe(`TokenStore contract: ${name}`, () => {
    it.scoped("a missing entry is None; set then get returns every field", () =>
      Effect.gen(function*() {
        const [a, b] = yield* pair
        expect(yield* a.get(key("app", "alice"))).toEqual(Option.none())
        const entry: TokenStore.StoredToken = {
          ...stored("act.alice.1", "rft.alice.1", { expiresAt: 1234, refreshExpiresAt: 5678 }),
          reauthorization: { code: 10004, since: 99 }
        }
        yield* a.set(key("app", "alice"), entry)
        const read = Option.getOrThrow(yield* b.get(key("app", "alice")))
        expect(Redacted.isRedacted(read.accessToken) && Redacted.isRedacted(read.refreshToken)).toBe(true)
        expect({ ...read, accessToken: Redacted.value(read.accessToken), refreshToken: Redacted.value(read.refreshToken) })
          .toEqual({ ...entry, accessToken: "act.alice.1", refreshToken: "rft.alice.1" })
      }))

    it.scoped("entries are keyed by client_key and open_id; set replaces; remove removes one", () =>
      Effect.gen(function*() {
        const [a, b] = yield* pair
        yield* a.set(key("app1", "alice"), stored("act.1", "rft.1"))
        yield* a.set(key("app2", "alice"), stored("act.2", "rft.2"))
        // Keys that would collide if the two parts were simply concatenated.
        yield* a.set(key("app1a", "lice"), stored("act.3", "rft.3"))
        yield* a.set(key("app1+", "x/../y"), stored("act.4", "rft.4"))
        expect(accessOf(yield* b.get(key("app1", "alice")))).toEqual(Option.some("act.1"))
        expect(accessOf(yield* b.get(key("app2", "alice")))).toEqual(Option.some("act.2"))
        expect(accessOf(yield* b.get(key("app1a", "lice")))).toEqual(Option.some("act.3"))
        expect(accessOf(yield* b.get(key("app1+", "x/../y")))).toEqual(Option.some("act.4"))
        expect(yield* b.get(key("app1", "bob"))).toEqual(Option.none())
        yield* b.set(key("app1", "alice"), stored("act.1b", "rft.1"))
        expect(accessOf(yield* a.get(key("app1", "alice")))).toEqual(Option.some("act.1b"))
        yield* b.remove(key("app1", "alice"))
        yield* b.remove(key("app1", "never-stored"))
        expect(yield* a.get(key("app1", "alice"))).toEqual(Option.none())
        expect(accessOf(yield* a.get(key("app2", "alice")))).toEqual(Option.some("act.2"))
      }))

    it.scoped("list returns the entries of one app only", () =>
      Effect.gen(function*() {
        const [a, b] = yield* pair
        yield* a.set(key("app", "alice"), stored("act.a", "rft.a"))
        yield* a.set(key("app", "bob/1"), stored("act.b", "rft.b"))
        yield* a.set(key("other", "carol"), stored("act.c", "rft.c"))
        yield* a.set(key("app", "gone"), stored("act.g", "rft.g"))
        yield* a.remove(key("app", "gone"))
        const { entries: listed, unreadable } = yield* b.list("app")
        expect(unreadable).toEqual([])
        expect(listed.map(([k, t]) => [k.openId, Redacted.value(t.accessToken)]).sort()).toEqual([
          ["alice", "act.a"],
          ["bob/1", "act.b"]
        ])
        expect(listed.every(([k]) => k.clientKey === "app")).toBe(true)
      }))

    it.live("the lease is exclusive per key across instances; other keys do not wait", () =>
      Effect.scoped(Effect.gen(function*() {
        const [a, b] = yield* pair
        const events: Array<string> = []
        const hold = (store: TokenStore.Service, who: string, openId: string, until: Effect.Effect<void>) =>
          store.withLease(
            key("app", openId),
            Duration.seconds(5),
            Effect.zipRight(
              Effect.sync(() => events.push(`${who} in`)),
              Effect.zipRight(until, Effect.sync(() => events.push(`${who} out`)))
            )
          )
        const release = yield* Deferred.make<void>()
        const first = yield* Effect.fork(hold(a, "a", "alice", Deferred.await(release)))
        while (!events.includes("a in")) yield* Effect.sleep("5 millis")
        const second = yield* Effect.fork(hold(b, "b", "alice", Effect.void))
        // Another key is not held up by alice's lease.
        yield* hold(b, "c", "bob", Effect.void)
        // b waits while a holds (given 300 ms to get in wrongly).
        yield* Effect.sleep("300 millis")
        expect(events).toEqual(["a in", "c in", "c out"])
        yield* Deferred.succeed(release, undefined)
        yield* Fiber.join(first)
        yield* Fiber.join(second)
        expect(events).toEqual(["a in", "c in", "c out", "a out", "b in", "b out"])
        // Released: a third holder gets it at once.
        const started = Date.now()
        yield* hold(a, "d", "alice", Effect.void)
        expect(Date.now() - started).toBeLessThan(1000)
      })), 15_000)

    it.live("a failing effect under the lease releases it and keeps its error", () =>
      Effect.scoped(Effect.gen(function*() {
        const [a, b] = yield* pair
        const failed = yield* Effect.flip(a.withLease(key("app", "alice"), Duration.seconds(5), Effect.fail("boom" as const)))
        expect(failed).toBe("boom")
        const started = Date.now()
        expect(yield* b.withLease(key("app", "alice"), Duration.seconds(5), Effect.succeed(1))).toBe(1)
        expect(Date.now() - started).toBeLessThan(1000)
      })), 15_000)
  })

contract("memory", Effect.map(TokenStore.makeMemory(), (store) => [store, store] as const))

const fileStore = (directory: string, encryption?: TokenStore.Encryption) =>
  TokenStore.makeFile({ directory, encryption }).pipe(Effect.provide(NodeContext.layer))

contract(
  "file",
  Effect.flatMap(tempDir, (dir) => Effect.all([fileStore(dir), fileStore(dir)]))
)

const key32 = (byte: number) => Redacted.make(Buffer.alloc(32, byte).toString("base64"))
const encryption: TokenStore.Encryption = { keys: [{ id: "k2", key: key32(2) }, { id: "k1", key: key32(1) }] }

contract(
  "file, encrypted",
  Effect.flatMap(tempDir, (dir) => Effect.all([fileStore(dir, encryption), fileStore(dir, encryption)]))
)

const redisStore = (url: string, prefix: string, enc?: TokenStore.Encryption) =>
  Effect.flatMap(
    Redis.make({ url, prefix }),
    (redis) => TokenStoreRedis.make({ encryption: enc }).pipe(Effect.provideService(Redis.Redis, redis))
  )

const redisPair = (enc?: TokenStore.Encryption) =>
  Effect.flatMap(RedisServer.scoped, (server) => {
    const prefix = `t${Math.random().toString(36).slice(2)}:`
    return Effect.all([redisStore(server.url, prefix, enc), redisStore(server.url, prefix, enc)])
  })

contract("redis", redisPair())
contract("redis, encrypted", redisPair(encryption))

describe("TokenStore.layerFile specifics", () => {
  it.scoped("files are mode 0600 in a 0700 directory, written whole, with a version field and no temp files left", () =>
    Effect.gen(function*() {
      const dir = Path.join(yield* tempDir, "nested", "tokens")
      const store = yield* fileStore(dir)
      yield* store.set(key("app", "alice"), stored("act.alice.1", "rft.alice.1"))
      const names = Fs.readdirSync(dir)
      expect(names).toEqual(["app+alice.json"])
      expect(Fs.statSync(dir).mode & 0o777).toBe(0o700)
      expect(Fs.statSync(Path.join(dir, names[0])).mode & 0o777).toBe(0o600)
      expect(JSON.parse(Fs.readFileSync(Path.join(dir, names[0]), "utf8"))).toMatchObject({
        version: 1,
        accessToken: "act.alice.1",
        refreshToken: "rft.alice.1"
      })
    }))

  it.scoped("50 concurrent writes from two instances leave one whole entry", () =>
    Effect.gen(function*() {
      const dir = yield* tempDir
      const [a, b] = yield* Effect.all([fileStore(dir), fileStore(dir)])
      yield* Effect.forEach(
        Array.from({ length: 50 }, (_, i) => i),
        (i) => (i % 2 === 0 ? a : b).set(key("app", "alice"), stored(`act.alice.${i}`, `rft.alice.${i}`)),
        { concurrency: "unbounded" }
      )
      const entry = Option.getOrThrow(yield* a.get(key("app", "alice")))
      const n = Redacted.value(entry.accessToken).split(".")[2]
      expect(Redacted.value(entry.refreshToken)).toBe(`rft.alice.${n}`)
      expect(Fs.readdirSync(dir)).toEqual(["app+alice.json"])
    }))

  it.scoped("an entry of an unknown version or a corrupt file is a typed TokenStoreError", () =>
    Effect.gen(function*() {
      const dir = yield* tempDir
      const store = yield* fileStore(dir)
      yield* store.set(key("app", "alice"), stored("act.alice.1", "rft.alice.1"))
      const file = Path.join(dir, "app+alice.json")
      Fs.writeFileSync(file, Fs.readFileSync(file, "utf8").replace(`"version":1`, `"version":2`))
      const newer = yield* Effect.flip(store.get(key("app", "alice")))
      expect(newer).toMatchObject({ _tag: "TokenStoreError", store: "file", operation: "decode" })
      expect(newer.message).not.toContain("act.alice")
      Fs.writeFileSync(file, "{\"version\":1,\"accessToken\":\"act.alice.1\"")
      const corrupt = yield* Effect.flip(store.get(key("app", "alice")))
      expect(corrupt).toMatchObject({ _tag: "TokenStoreError", operation: "decode" })
      expect(corrupt.message).not.toContain("act.alice")
    }))
})

describe("TokenStore encryption at rest", () => {
  const secretParts = ["act.alice.1", "rft.alice.1", "alice.1"]

  it.scoped("the file holds no token in clear; a wrong or missing key is a typed error; keys rotate", () =>
    Effect.gen(function*() {
      const dir = yield* tempDir
      const old = yield* fileStore(dir, { keys: [{ id: "k1", key: key32(1) }] })
      yield* old.set(key("app", "alice"), stored("act.alice.1", "rft.alice.1"))
      const text = Fs.readFileSync(Path.join(dir, "app+alice.json"), "utf8")
      for (const part of secretParts) expect(text).not.toContain(part)
      expect(JSON.parse(text)).toMatchObject({ sealed: "A256GCM", kid: "k1" })

      // Rotation: the new key first, the old one still listed.
      const rotated = yield* fileStore(dir, encryption)
      expect(accessOf(yield* rotated.get(key("app", "alice")))).toEqual(Option.some("act.alice.1"))
      yield* rotated.set(key("app", "alice"), stored("act.alice.1", "rft.alice.1"))
      expect(JSON.parse(Fs.readFileSync(Path.join(dir, "app+alice.json"), "utf8"))).toMatchObject({ kid: "k2" })

      const wrong = yield* fileStore(dir, { keys: [{ id: "k2", key: key32(9) }] })
      const error = yield* Effect.flip(wrong.get(key("app", "alice")))
      expect(error).toMatchObject({ _tag: "TokenStoreError", store: "file", operation: "decode" })
      expect(error.description).toContain("does not decrypt")
      const unknown = yield* Effect.flip((yield* fileStore(dir, { keys: [{ id: "k7", key: key32(7) }] })).get(key("app", "alice")))
      expect(unknown.description).toContain(`key id "k2"`)
      const none = yield* Effect.flip((yield* fileStore(dir)).get(key("app", "alice")))
      expect(none.description).toContain("no encryption key")
    }))

  it.scoped("a sealed entry copied to another open_id does not open there", () =>
    Effect.gen(function*() {
      const dir = yield* tempDir
      const store = yield* fileStore(dir, encryption)
      yield* store.set(key("app", "alice"), stored("act.alice.1", "rft.alice.1"))
      Fs.copyFileSync(Path.join(dir, "app+alice.json"), Path.join(dir, "app+mallory.json"))
      const error = yield* Effect.flip(store.get(key("app", "mallory")))
      expect(error).toMatchObject({ _tag: "TokenStoreError", operation: "decode" })
    }))

  it.scoped("a key that is not 32 bytes of base64 fails the layer with a typed error", () =>
    Effect.gen(function*() {
      const dir = yield* tempDir
      const error = yield* Effect.flip(fileStore(dir, { keys: [{ id: "k1", key: Redacted.make("short") }] }))
      expect(error).toMatchObject({ _tag: "TokenStoreError", operation: "configure" })
      expect(error.message).not.toContain("short")
    }))

  it.scoped("the Redis value holds no token in clear; a wrong key is a typed error", () =>
    Effect.gen(function*() {
      const server = yield* RedisServer.scoped
      const store = yield* redisStore(server.url, "enc:", encryption)
      yield* store.set(key("app", "alice"), stored("act.alice.1", "rft.alice.1"))
      const redis = yield* Redis.make({ url: server.url, prefix: "enc:" })
      const keys = yield* redis.use((c) => c.keys("enc:*"))
      const values = yield* redis.use((c) =>
        Promise.all(keys.map((k) => c.type(k).then((t) => (t === "string" ? c.get(k) : c.smembers(k).then((m) => m.join(","))))))
      )
      expect(values.join("\n")).not.toContain("act.alice")
      expect(values.join("\n")).not.toContain("rft.alice")
      const wrong = yield* redisStore(server.url, "enc:", { keys: [{ id: "k2", key: key32(9) }] })
      const error = yield* Effect.flip(wrong.get(key("app", "alice")))
      expect(error).toMatchObject({ _tag: "TokenStoreError", store: "redis", operation: "decode" })
    }), 20_000)
})

describe("TokenStore config", () => {
  const fromEnv = (env: Record<string, string>) =>
    TokenStore.TokenStore.pipe(
      Effect.provide(TokenStore.layerFileConfig().pipe(Layer.provide(NodeContext.layer))),
      Effect.withConfigProvider(ConfigProvider.fromMap(new Map(Object.entries(env))))
    )

  it.scoped("layerFileConfig reads DOUYIN_TOKEN_DIR, and encrypts only when DOUYIN_TOKEN_KEY is set", () =>
    Effect.gen(function*() {
      const plainDir = yield* tempDir
      const plain = yield* fromEnv({ DOUYIN_TOKEN_DIR: plainDir })
      yield* plain.set(key("app", "alice"), stored("act.alice.1", "rft.alice.1"))
      expect(Fs.readFileSync(Path.join(plainDir, "app+alice.json"), "utf8")).toContain("act.alice.1")

      const sealedDir = yield* tempDir
      const sealed = yield* fromEnv({ DOUYIN_TOKEN_DIR: sealedDir, DOUYIN_TOKEN_KEY: Redacted.value(key32(3)) })
      yield* sealed.set(key("app", "alice"), stored("act.alice.1", "rft.alice.1"))
      const text = Fs.readFileSync(Path.join(sealedDir, "app+alice.json"), "utf8")
      expect(text).not.toContain("act.alice.1")
      expect(JSON.parse(text)).toMatchObject({ sealed: "A256GCM", kid: "1" })
    }))
})
