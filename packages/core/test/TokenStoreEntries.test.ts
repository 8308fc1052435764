// What the persistent token stores read back from their own storage: stray files, corrupt and
// foreign entries. Each is a typed failure of that entry; the listing reports it and goes on,
// and the background re-authorization gauge keeps counting the readable creators.
import { NodeContext } from "@effect/platform-node"
import { describe, expect, it } from "@effect/vitest"
import { Effect, Layer, Metric, Option, Redacted, TestClock } from "effect"
import * as Fs from "node:fs"
import * as Os from "node:os"
import * as Path from "node:path"
import { AccessToken, DouyinMetrics, TokenStore } from "../src/index.js"
import * as Redis from "../src/Redis.js"
import * as TokenStoreRedis from "../src/TokenStoreRedis.js"
import * as RedisServer from "../../../test/support/RedisServer.js"
import { clientKey, day, key, stack, stored } from "./tokenFixtures.js"

const tempDir = Effect.acquireRelease(
  Effect.sync(() => Fs.mkdtempSync(Path.join(Os.tmpdir(), "douyin-token-entries-"))),
  (dir) => Effect.sync(() => Fs.rmSync(dir, { recursive: true, force: true }))
)

const fileStore = (directory: string) => TokenStore.makeFile({ directory }).pipe(Effect.provide(NodeContext.layer))

const redisStore = (url: string, prefix: string) =>
  Effect.flatMap(Redis.make({ url, prefix }), (redis) =>
    Effect.map(
      TokenStoreRedis.make().pipe(Effect.provideService(Redis.Redis, redis)),
      (store) => ({ store, redis })
    ))

const openIdsOf = (listing: TokenStore.Listing) => listing.entries.map(([k]) => k.openId).sort()
const failuresOf = (listing: TokenStore.Listing) =>
  listing.unreadable
    .map((u) => ({ _tag: u._tag, store: u.store, entry: u.entry, openId: u.openId, reason: u.reason }))
    .sort((a, b) => a.entry.localeCompare(b.entry))

const fileName = (openId: string) => `${clientKey}+${encodeURIComponent(openId)}.json`

describe("TokenStore listings: one unreadable entry never hides the others", () => {
  it.scoped("file: stray names, a directory and a corrupt entry are reported per entry, typed; the rest is listed", () =>
    Effect.gen(function*() {
      const dir = yield* tempDir
      const store = yield* fileStore(dir)
      yield* store.set(key("alice"), stored("act.alice", "rft.alice"))
      yield* store.set(key("bob"), stored("act.bob", "rft.bob"))
      // Names this store never writes: malformed percent-escapes, a non-canonical one.
      Fs.writeFileSync(Path.join(dir, `${clientKey}+%.json`), "{}")
      Fs.writeFileSync(Path.join(dir, `${clientKey}+%E0%A4%A.json`), "{}")
      Fs.writeFileSync(Path.join(dir, `${clientKey}+%61lice.json`), "{}")
      Fs.mkdirSync(Path.join(dir, fileName("dir")))
      Fs.writeFileSync(Path.join(dir, fileName("carol")), "{\"version\":1,\"accessToken\":\"act.carol\"")

      const listing = yield* store.list(clientKey)
      expect(openIdsOf(listing)).toEqual(["alice", "bob"])
      expect(failuresOf(listing)).toEqual([
        { _tag: "TokenStoreUnreadableEntry", store: "file", entry: `${clientKey}+%.json`, openId: undefined, reason: "name" },
        { _tag: "TokenStoreUnreadableEntry", store: "file", entry: `${clientKey}+%61lice.json`, openId: undefined, reason: "name" },
        { _tag: "TokenStoreUnreadableEntry", store: "file", entry: `${clientKey}+%E0%A4%A.json`, openId: undefined, reason: "name" },
        { _tag: "TokenStoreUnreadableEntry", store: "file", entry: fileName("carol"), openId: "carol", reason: "decode" },
        { _tag: "TokenStoreUnreadableEntry", store: "file", entry: fileName("dir"), openId: "dir", reason: "read" }
      ])
      // Never a token in what is reported.
      expect(JSON.stringify(listing.unreadable.map((u) => u.message))).not.toContain("act.carol")
    }))

  it.scoped("redis: a corrupt entry is reported per entry, typed; the rest is listed", () =>
    Effect.gen(function*() {
      const server = yield* RedisServer.scoped
      const { redis, store } = yield* redisStore(server.url, "entries:")
      yield* store.set(key("alice"), stored("act.alice", "rft.alice"))
      yield* store.set(key("carol"), stored("act.carol", "rft.carol"))
      yield* redis.use((c) => c.set(`entries:token:${JSON.stringify([clientKey, "carol"])}`, "not an entry"))

      const listing = yield* store.list(clientKey)
      expect(openIdsOf(listing)).toEqual(["alice"])
      expect(failuresOf(listing)).toEqual([
        { _tag: "TokenStoreUnreadableEntry", store: "redis", entry: "carol", openId: "carol", reason: "decode" }
      ])
    }))

  it.scoped("file: needingReauthorization and the re-authorization gauge keep working past a corrupt entry and a stray file", () =>
    Effect.gen(function*() {
      const dir = yield* tempDir
      const seed = yield* fileStore(dir)
      yield* seed.set(key("alice"), stored("act.alice", "rft.alice", { refreshExpiresAt: day }))
      yield* seed.set(key("bob"), stored("act.bob", "rft.bob", { refreshExpiresAt: day }))
      yield* seed.set(key("dave"), stored("act.dave", "rft.dave"))
      Fs.writeFileSync(Path.join(dir, fileName("carol")), "corrupt")
      Fs.writeFileSync(Path.join(dir, `${clientKey}+%E0%A4%A.json`), "{}")
      const store = Layer.orDie(TokenStore.layerFile({ directory: dir })).pipe(Layer.provide(NodeContext.layer))

      yield* Effect.gen(function*() {
        yield* TestClock.adjust("2 days")
        // alice's refresh token has expired: she is marked, and the gauge is set from the store.
        const error = yield* Effect.flip((yield* AccessToken.AccessToken).refresh("alice", Redacted.make("act.alice")))
        expect(error).toMatchObject({ _tag: "DouyinAuthError", code: 10010 })
        const needing = yield* TokenStore.needingReauthorization(clientKey)
        expect(needing.map((n) => n.openId).sort()).toEqual(["alice", "bob"])
        expect((yield* Metric.value(DouyinMetrics.reauthorizationRequired)).value).toBe(2)
      }).pipe(
        Effect.provide(stack([], [], {}, store)),
        Effect.tagMetrics("test_case", crypto.randomUUID())
      )
    }))
})

describe("TokenStore: a plain (unencrypted) entry is bound to its key", () => {
  it.scoped("file: an entry copied to another open_id is refused, typed, by get and by the listing", () =>
    Effect.gen(function*() {
      const dir = yield* tempDir
      const store = yield* fileStore(dir)
      yield* store.set(key("alice"), stored("act.alice", "rft.alice"))
      Fs.copyFileSync(Path.join(dir, fileName("alice")), Path.join(dir, fileName("mallory")))

      const error = yield* Effect.flip(store.get(key("mallory")))
      expect(error).toMatchObject({ _tag: "TokenStoreError", store: "file", operation: "decode" })
      expect(error.description).toContain("belongs to another")
      expect(error.message).not.toContain("act.alice")
      // Another app with the same open_id does not get it either.
      Fs.copyFileSync(Path.join(dir, fileName("alice")), Path.join(dir, `other_app+alice.json`))
      expect(yield* Effect.flip(store.get({ clientKey: "other_app", openId: "alice" }))).toMatchObject({
        _tag: "TokenStoreError",
        operation: "decode"
      })

      const listing = yield* store.list(clientKey)
      expect(openIdsOf(listing)).toEqual(["alice"])
      expect(failuresOf(listing)).toEqual([
        { _tag: "TokenStoreUnreadableEntry", store: "file", entry: fileName("mallory"), openId: "mallory", reason: "foreign" }
      ])
    }))

  it.scoped("redis: an entry copied to another open_id is refused, typed", () =>
    Effect.gen(function*() {
      const server = yield* RedisServer.scoped
      const { redis, store } = yield* redisStore(server.url, "bound:")
      yield* store.set(key("alice"), stored("act.alice", "rft.alice"))
      yield* redis.use(async (c) => {
        const text = await c.get(`bound:token:${JSON.stringify([clientKey, "alice"])}`)
        await c.set(`bound:token:${JSON.stringify([clientKey, "mallory"])}`, text!)
        await c.sadd(`bound:tokens:${JSON.stringify(clientKey)}`, "mallory")
      })
      const error = yield* Effect.flip(store.get(key("mallory")))
      expect(error).toMatchObject({ _tag: "TokenStoreError", store: "redis", operation: "decode" })
      expect(error.description).toContain("belongs to another")
      const listing = yield* store.list(clientKey)
      expect(openIdsOf(listing)).toEqual(["alice"])
      expect(failuresOf(listing).map((f) => f.reason)).toEqual(["foreign"])
    }))

  it.scoped("an entry written before the binding existed is still read, and bound when next written", () =>
    Effect.gen(function*() {
      const dir = yield* tempDir
      const store = yield* fileStore(dir)
      const file = Path.join(dir, fileName("alice"))
      Fs.writeFileSync(
        file,
        JSON.stringify({
          version: 1,
          accessToken: "act.alice",
          expiresAt: 1000,
          refreshToken: "rft.alice",
          refreshExpiresAt: 2000,
          scope: ["user_info"]
        })
      )
      const read = Option.getOrThrow(yield* store.get(key("alice")))
      expect([Redacted.value(read.accessToken), read.expiresAt, read.refreshExpiresAt]).toEqual(["act.alice", 1000, 2000])
      yield* store.set(key("alice"), read)
      expect(JSON.parse(Fs.readFileSync(file, "utf8"))).toMatchObject({ version: 1, key: [clientKey, "alice"] })
    }))
})
