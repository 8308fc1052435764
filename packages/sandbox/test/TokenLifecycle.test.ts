// The token lifecycle against a sandbox in its own OS process (the `douyin-sandbox` bin, its own
// real clock), moved through time and revoked with the admin API over a real socket; the SDK in
// this process, under TestClock (its clock moves only when a test says so). Raw requests show
// what the sandbox answers on the wire; the SDK's token store and reasons show what a program sees.
import { spawn } from "node:child_process"
import * as Path from "node:path"
import { FetchHttpClient, HttpClient } from "@effect/platform"
import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import { AccessToken, DouyinClient, DouyinConfig, OAuth, RateLimit, Retry, TokenStore } from "@effect-douyin/core"
import { FanGroupApi, ListFanGroups } from "@effect-douyin/group"
import { Duration, Effect, Layer, Redacted, TestClock } from "effect"
import { FanGroupSandbox } from "../src/index.js"

const root = Path.resolve(import.meta.dirname, "../../..")
const tsx = Path.join(root, "node_modules/.bin/tsx")
const bin = Path.join(root, "packages/sandbox/bin/douyin-sandbox.mjs")

const clientKey = FanGroupSandbox.defaultClientKey
const clientSecret = FanGroupSandbox.defaultClientSecret
const openId = "creator-lifecycle"

let child: ReturnType<typeof spawn> | undefined
let exited: Promise<number | null> = Promise.resolve(null)
let url = ""

beforeAll(async () => {
  const started = spawn(tsx, [bin, "--port", "0"], { cwd: root, stdio: ["ignore", "pipe", "pipe"] })
  child = started
  exited = new Promise((resolve) => started.on("exit", (code) => resolve(code)))
  let out = ""
  started.stdout.on("data", (d) => (out += d))
  started.stderr.on("data", (d) => (out += d))
  // Bounded: 60 s for tsx to start on a loaded machine.
  for (let i = 0; i < 600 && !out.includes("Ctrl-C to stop."); i++) await new Promise((r) => setTimeout(r, 100))
  const line = out.split("\n").find((l) => l.startsWith("DOUYIN_BASE_URL="))
  if (line === undefined) throw new Error(`douyin-sandbox did not start:\n${out}`)
  url = line.slice("DOUYIN_BASE_URL=".length).trim()
}, 90_000)

afterAll(async () => {
  child?.kill("SIGINT")
  await exited
})

/** A raw request to the sandbox (no SDK). */
const raw = (path: string, init: RequestInit = {}) =>
  Effect.promise(async () => {
    const response = await fetch(`${url}${path}`, init)
    return (await response.json()) as { readonly data: { readonly error_code: number } }
  })

const refreshRaw = (refreshToken: string) =>
  raw("/oauth/refresh_token/", {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ client_key: clientKey, grant_type: "refresh_token", refresh_token: refreshToken }).toString()
  })

const listRaw = (token: string) => raw(`/im/group/fans/list/?open_id=${openId}`, { headers: { "access-token": token } })

/** The sandbox's admin API over HTTP, back to an empty sandbox and its own clock. */
const admin = Effect.gen(function*() {
  const remote = yield* FanGroupSandbox.makeRemote(url)
  yield* remote.reset
  return remote
}).pipe(Effect.provide(FetchHttpClient.layer))

/** The production stack over the socket; `sent` records the paths the SDK requests. */
const sdk = (sent: Array<string>, accessToken: AccessToken.StoreOptions = {}) =>
  FanGroupApi.layer.pipe(
    Layer.provideMerge(DouyinClient.layer),
    Layer.provide(Retry.layerDisabled),
    Layer.provide(RateLimit.layerDisabled),
    Layer.provide(AccessToken.layerStore(accessToken)),
    Layer.provideMerge(TokenStore.layerMemory()),
    Layer.provideMerge(OAuth.layer({ clientKey, clientSecret: Redacted.make(clientSecret) })),
    Layer.provide(DouyinConfig.layer({ baseUrl: url })),
    Layer.provide(Layer.effect(
      HttpClient.HttpClient,
      Effect.map(HttpClient.HttpClient, HttpClient.tapRequest((r) => Effect.sync(() => sent.push(new URL(r.url).pathname))))
    )),
    Layer.provide(FetchHttpClient.layer)
  )

const stored = Effect.flatMap(TokenStore.TokenStore, (store) => store.get({ clientKey, openId })).pipe(
  Effect.flatMap((entry) => entry)
)

describe("the sandbox's clock and revocation, end to end (sandbox process, real socket)", () => {
  it.effect("16 days later the access token answers 2190008; the SDK refreshes once and the call succeeds", () => {
    const sent: Array<string> = []
    return Effect.gen(function*() {
      const remote = yield* admin
      yield* TokenStore.authorize(yield* remote.authorize({ openId }))
      yield* ListFanGroups.list({ openId })
      const before = yield* stored

      const start = (yield* remote.snapshot).now
      const moved = yield* remote.advanceClock("16 days")
      expect(moved - start).toBeGreaterThanOrEqual(16 * 86_400_000)
      expect((yield* remote.snapshot).now).toBeGreaterThanOrEqual(moved)
      // On the wire: the token is expired (15 days), as Douyin answers it.
      expect((yield* listRaw(Redacted.value(before.accessToken))).data.error_code).toBe(2190008)

      // The SDK's clock has not moved: it sends the token, is told it expired, refreshes once.
      sent.length = 0
      const { groups } = yield* ListFanGroups.list({ openId })
      expect(groups).toEqual([])
      expect(sent).toEqual(["/im/group/fans/list/", "/oauth/refresh_token/", "/im/group/fans/list/"])
      const after = yield* stored
      expect(Redacted.value(after.accessToken)).not.toBe(Redacted.value(before.accessToken))
      expect((yield* listRaw(Redacted.value(after.accessToken))).data.error_code).toBe(0)
    }).pipe(Effect.provide(sdk(sent)))
  }, 60_000)

  it.effect("past the refresh token's 30 days the refresh is refused (10010): the program sees refresh-token-expired", () => {
    const sent: Array<string> = []
    return Effect.gen(function*() {
      const remote = yield* admin
      yield* TokenStore.authorize(yield* remote.authorize({ openId }))
      const issued = yield* stored

      yield* remote.advanceClock("30 days")
      yield* remote.advanceClock("1 minute")
      expect((yield* refreshRaw(Redacted.value(issued.refreshToken))).data.error_code).toBe(10010)

      // The app's clock runs 11 minutes behind Douyin's: it still believes in the refresh token,
      // its access token expired, so it refreshes, and Douyin refuses at the expiry.
      yield* TestClock.adjust(Duration.subtract(Duration.days(30), Duration.minutes(10)))
      sent.length = 0
      const error = yield* Effect.flip(ListFanGroups.list({ openId }))
      expect(sent).toEqual(["/oauth/refresh_token/"])
      expect(error).toMatchObject({ _tag: "DouyinAuthError", code: 10010, reason: "refresh-token-expired" })
      expect(yield* TokenStore.needingReauthorization(clientKey)).toMatchObject([
        { openId, reason: "refresh-token-expired", code: 10010 }
      ])
    }).pipe(Effect.provide(sdk(sent, { renewRefreshToken: false })))
  }, 60_000)

  it.effect("clocks in step past the 30 days: the SDK knows without asking (no request); the sandbox refuses the refresh too", () => {
    const sent: Array<string> = []
    return Effect.gen(function*() {
      const remote = yield* admin
      yield* TokenStore.authorize(yield* remote.authorize({ openId }))
      const issued = yield* stored
      const later = Duration.sum(Duration.days(30), Duration.minutes(1))
      yield* remote.advanceClock(later)
      yield* TestClock.adjust(later)
      sent.length = 0
      const error = yield* Effect.flip(ListFanGroups.list({ openId }))
      expect(sent).toEqual([])
      expect(error).toMatchObject({ _tag: "DouyinAuthError", reason: "refresh-token-expired" })
      expect(yield* TokenStore.needingReauthorization(clientKey)).toMatchObject([{ openId, reason: "refresh-token-expired" }])
      expect((yield* refreshRaw(Redacted.value(issued.refreshToken))).data.error_code).toBe(10010)
    }).pipe(Effect.provide(sdk(sent, { renewRefreshToken: false })))
  }, 60_000)

  it.effect("an authorization code older than 10 minutes is refused with 10007; a fresh one is exchanged", () =>
    Effect.gen(function*() {
      const remote = yield* admin
      const old = yield* remote.authorize({ openId })
      yield* remote.advanceClock(Duration.sum(Duration.minutes(10), Duration.seconds(1)))
      const error = yield* Effect.flip(TokenStore.authorize(old))
      expect(error).toMatchObject({ code: 10007 })
      expect(yield* Effect.option(stored)).toMatchObject({ _tag: "None" })
      const fresh = yield* TokenStore.authorize(yield* remote.authorize({ openId }))
      expect(fresh.openId).toBe(openId)
    }).pipe(Effect.provide(sdk([]))), 60_000)

  it.effect("a revoked authorization: tokens refused at once (2190002, 10010), the call fails as revoked, the store lists it", () => {
    const sent: Array<string> = []
    return Effect.gen(function*() {
      const remote = yield* admin
      yield* TokenStore.authorize(yield* remote.authorize({ openId }))
      yield* ListFanGroups.list({ openId })
      const issued = yield* stored

      yield* remote.revokeAuthorization(openId)
      expect((yield* listRaw(Redacted.value(issued.accessToken))).data.error_code).toBe(2190002)
      expect((yield* refreshRaw(Redacted.value(issued.refreshToken))).data.error_code).toBe(10010)

      sent.length = 0
      const error = yield* Effect.flip(ListFanGroups.list({ openId }))
      expect(sent).toEqual(["/im/group/fans/list/", "/oauth/refresh_token/"])
      expect(error).toMatchObject({ _tag: "DouyinAuthError", reason: "revoked" })
      expect(yield* TokenStore.needingReauthorization(clientKey)).toMatchObject([{ openId, reason: "revoked", code: 10010 }])

      // Revoking a creator who never authorized is an admin error; authorizing again works.
      expect(yield* Effect.flip(remote.revokeAuthorization("never-authorized"))).toMatchObject({
        _tag: "SandboxAdminError",
        operation: "revokeAuthorization"
      })
      yield* TokenStore.authorize(yield* remote.authorize({ openId }))
      expect(yield* TokenStore.needingReauthorization(clientKey)).toEqual([])
      yield* ListFanGroups.list({ openId })
    }).pipe(Effect.provide(sdk(sent)))
  }, 60_000)

  it.effect(
    "advanceClock refuses a step backwards or an unreadable duration (HTTP 400), and reset puts the clock back",
    () =>
      Effect.gen(function*() {
        const remote = yield* admin
        const post = (body: unknown) =>
          Effect.promise(async () => {
            const response = await fetch(`${url}/sandbox/admin`, {
              method: "POST",
              headers: { "content-type": "application/json" },
              body: JSON.stringify(body)
            })
            return { status: response.status, json: (await response.json()) as { result?: { now: number }; error?: string } }
          })
        expect((yield* post({ op: "advanceClock", by: -1 })).status).toBe(400)
        expect((yield* post({ op: "advanceClock", by: "soon" })).status).toBe(400)
        expect((yield* post({ op: "advanceClock", by: "-5 days" })).status).toBe(400)
        expect(yield* Effect.flip(remote.advanceClock(-1))).toMatchObject({ operation: "advanceClock" })
        const start = (yield* remote.snapshot).now
        const moved = yield* post({ op: "advanceClock", by: "2 hours" })
        expect(moved.status).toBe(200)
        expect(moved.json.result!.now - start).toBeGreaterThanOrEqual(2 * 3_600_000)
        yield* remote.reset
        expect((yield* remote.snapshot).now).toBeLessThan(start + 3_600_000)
      }),
    60_000
  )
})

describe("the sandbox's clock in-process", () => {
  it.effect("is TestClock plus every advanceClock: deterministic; reset drops the advance", () =>
    Effect.gen(function*() {
      const sandbox = yield* FanGroupSandbox.FanGroupSandbox
      expect((yield* sandbox.snapshot).now).toBe(0)
      expect(yield* sandbox.advanceClock("1 day")).toBe(86_400_000)
      yield* TestClock.adjust("1 hour")
      expect((yield* sandbox.snapshot).now).toBe(90_000_000)
      for (const refused of [Duration.infinity, -1, "-5 days", Number.NaN] as const) {
        expect(yield* Effect.flip(sandbox.advanceClock(refused))).toMatchObject({ operation: "advanceClock" })
      }
      expect((yield* sandbox.snapshot).now).toBe(90_000_000)
      // Times the sandbox records come from its clock.
      const [creator] = yield* sandbox.seed({ creators: [{ open_id: openId, groups: [{ group_name: "g" }] }] })
      const { groups } = yield* sandbox.snapshot
      expect(groups.map((g) => [g.ownerOpenId, g.createdAt])).toEqual([[creator!.openId, 90_000_000]])
      yield* sandbox.reset
      expect((yield* sandbox.snapshot).now).toBe(3_600_000)
    }).pipe(Effect.provide(FanGroupSandbox.layer())))
})
