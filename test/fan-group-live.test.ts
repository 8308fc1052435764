/**
 * The one-call layers: `FanGroupLive.layerConfig` / `layer` build the whole
 * production stack (the fast undici client, retry, rate limits, the file token store, OAuth,
 * the nine services) and really talk to the sandbox on a real loopback socket (port 0). The
 * server records every request's headers, so the `transformClient` hook is seen on the wire for
 * an OAuth call and an API call alike.
 */
import { HttpClient, HttpClientRequest, HttpServer, HttpServerRequest } from "@effect/platform"
import { NodeContext } from "@effect/platform-node"
import * as NodeHttpServer from "@effect/platform-node/NodeHttpServer"
import { describe, expect, expectTypeOf, it } from "@effect/vitest"
import { type DouyinClient, type OAuth, type OAuthState, TokenStore } from "@effect-douyin/core"
import {
  type BroadcastJournal,
  type CreateFanGroup,
  type DisableGroupSetting,
  type FanGroupApi,
  FanGroupQuota,
  type ListEntryApplications,
  type ListFanGroups,
  type RecallGroupMessage,
  type ReviewEntryApplication,
  type SendGroupMessage,
  type SetGroupSetting,
  type WebhookDedupe
} from "@effect-douyin/group"
import { FanGroupSandbox } from "@effect-douyin/sandbox"
import * as FanGroupLive from "@effect-douyin/group/FanGroupLive"
import { ConfigError, ConfigProvider, Context, Effect, Layer, Redacted } from "effect"
import * as Fs from "node:fs"
import { createServer } from "node:http"
import * as Os from "node:os"
import * as Path from "node:path"

const clientKey = "ck_live"
const clientSecret = "cs_live_secret"
const openId = "creator-1"

interface Seen {
  readonly method: string
  readonly path: string
  readonly headers: Readonly<Record<string, string>>
}

/** The sandbox on 127.0.0.1, recording each request's method, path and headers first. */
const sandboxServer = Effect.gen(function*() {
  const seen: Array<Seen> = []
  const recorded = Effect.zipRight(
    Effect.map(HttpServerRequest.HttpServerRequest, (request) => {
      seen.push({ method: request.method, path: new URL(request.url, "http://x").pathname, headers: request.headers })
    }),
    FanGroupSandbox.httpApp
  )
  const layer = HttpServer.serve(recorded).pipe(
    Layer.provideMerge(FanGroupSandbox.layer({ clientKey, clientSecret: Redacted.make(clientSecret) })),
    Layer.provideMerge(NodeHttpServer.layer(createServer, { port: 0, host: "127.0.0.1" }))
  )
  const context = yield* Layer.build(layer)
  const address = Context.get(context, HttpServer.HttpServer).address
  const url = address._tag === "TcpAddress" ? `http://${address.hostname}:${address.port}` : ""
  const sandbox = Context.get(context, FanGroupSandbox.FanGroupSandbox)
  return { url, seen, sandbox }
})

/** A fresh temporary folder; `tokens` inside it does not exist yet. */
const tempDir = Effect.acquireRelease(
  Effect.sync(() => Fs.mkdtempSync(Path.join(Os.tmpdir(), "douyin-live-"))),
  (dir) => Effect.sync(() => Fs.rmSync(dir, { recursive: true, force: true }))
)

const withHeader = HttpClient.mapRequest(HttpClientRequest.setHeader("x-app-trace", "live-test"))

const env = (entries: Record<string, string>) => ConfigProvider.fromMap(new Map(Object.entries(entries)))

describe("FanGroupLive (one-call layers) against the sandbox on a real socket", () => {
  it.scopedLive(
    "layerConfig from DOUYIN_* keys: authorizes through OAuth into the file store, then calls the API; transformClient's header is on both requests",
    () =>
      Effect.gen(function*() {
        const { seen, url, sandbox } = yield* sandboxServer
        const dir = Path.join(yield* tempDir, "tokens")
        const Live = FanGroupLive.layerConfig({ transformClient: withHeader }).pipe(Layer.provide(NodeContext.layer))

        const code = yield* sandbox.authorize({ openId })
        const left = yield* Effect.gen(function*() {
          const token = yield* TokenStore.authorize(code)
          expect(token.openId).toBe(openId)
          return yield* FanGroupQuota.remaining({ openId })
        }).pipe(
          Effect.provide(Live),
          Effect.withConfigProvider(env({
            DOUYIN_CLIENT_KEY: clientKey,
            DOUYIN_CLIENT_SECRET: clientSecret,
            DOUYIN_BASE_URL: url,
            DOUYIN_TOKEN_DIR: dir
          }))
        )
        expect(left).toEqual({ leftCount: 5 })

        expect(seen.map((r) => `${r.method} ${r.path}`)).toEqual(["POST /oauth/access_token/", "GET /im/group/count/"])
        for (const request of seen) expect(request.headers["x-app-trace"]).toBe("live-test")
        // The API call carried the token OAuth issued (strict sandbox: no other token passes).
        expect(seen[1]!.headers["access-token"]).toMatch(/^act\./)
        // The token went to the file store in the configured directory, and the secret did not.
        const files = Fs.readdirSync(dir)
        expect(files).toHaveLength(1)
        expect(Fs.readFileSync(Path.join(dir, files[0]!), "utf8")).not.toContain(clientSecret)
      })
  )

  it.scopedLive("layerConfig without DOUYIN_CLIENT_SECRET: a ConfigError naming it, before a directory is created or a request sent", () =>
    Effect.gen(function*() {
      const { seen, url } = yield* sandboxServer
      const dir = Path.join(yield* tempDir, "tokens")
      const error = yield* FanGroupQuota.remaining({ openId }).pipe(
        Effect.provide(FanGroupLive.layerConfig().pipe(Layer.provide(NodeContext.layer))),
        Effect.withConfigProvider(env({ DOUYIN_CLIENT_KEY: clientKey, DOUYIN_BASE_URL: url, DOUYIN_TOKEN_DIR: dir })),
        Effect.flip
      )
      expect(ConfigError.isConfigError(error)).toBe(true)
      expect(String(error)).toContain("DOUYIN_CLIENT_SECRET")
      expect(seen).toEqual([])
      expect(Fs.existsSync(dir)).toBe(false)
    }))

  it.scopedLive("layerConfig reads the rate limits: a malformed one is a ConfigError; DOUYIN_RATE_LIMIT_GLOBAL=1 with mode fail refuses the second call unsent", () =>
    Effect.gen(function*() {
      const { seen, url, sandbox } = yield* sandboxServer
      const dir = yield* tempDir
      const keys = { DOUYIN_CLIENT_KEY: clientKey, DOUYIN_CLIENT_SECRET: clientSecret, DOUYIN_BASE_URL: url, DOUYIN_TOKEN_DIR: dir }
      const Live = FanGroupLive.layerConfig().pipe(Layer.provide(NodeContext.layer))

      const malformed = yield* FanGroupQuota.remaining({ openId }).pipe(
        Effect.provide(Live),
        Effect.withConfigProvider(env({ ...keys, DOUYIN_RATE_LIMIT_GLOBAL: "0" })),
        Effect.flip
      )
      expect(ConfigError.isConfigError(malformed)).toBe(true)
      expect(String(malformed)).toContain("DOUYIN_RATE_LIMIT_GLOBAL")
      expect(seen).toEqual([])

      const code = yield* sandbox.authorize({ openId })
      // Two calls in a row: the second starts well within a second of the first's end
      // (tolerance: 1 second of scheduling delay between two consecutive calls of one fiber).
      const second = yield* Effect.gen(function*() {
        yield* TokenStore.authorize(code)
        yield* FanGroupQuota.remaining({ openId })
        return yield* Effect.flip(FanGroupQuota.remaining({ openId }))
      }).pipe(
        Effect.provide(Live),
        Effect.withConfigProvider(env({ ...keys, DOUYIN_RATE_LIMIT_GLOBAL: "1", DOUYIN_RATE_LIMIT_MODE: "fail" }))
      )
      expect(second._tag).toBe("DouyinRateLimited")
      expect(seen.filter((r) => r.path === "/im/group/count/")).toHaveLength(1)
    }))

  it.scopedLive("layer(options): the default retry is kept (busy once, then success: two requests); retry: false sends once and fails", () =>
    Effect.gen(function*() {
      const { seen, url, sandbox } = yield* sandboxServer
      const dir = yield* tempDir
      const options = (retry: false | undefined) =>
        FanGroupLive.layer({
          clientKey,
          clientSecret: Redacted.make(clientSecret),
          baseUrl: url,
          tokenStore: { directory: dir },
          retry,
          transformClient: withHeader
        }).pipe(Layer.provide(NodeContext.layer))
      const quota = (retry: false | undefined) =>
        Effect.gen(function*() {
          yield* TokenStore.authorize(yield* sandbox.authorize({ openId }))
          yield* sandbox.inject(FanGroupSandbox.busy({ route: "GET /im/group/count/" }))
          return yield* Effect.either(FanGroupQuota.remaining({ openId }))
        }).pipe(Effect.provide(options(retry)))
      const count = () => seen.filter((r) => r.path === "/im/group/count/").length

      const retried = yield* quota(undefined)
      expect(retried._tag === "Right" && retried.right).toEqual({ leftCount: 5 })
      expect(count()).toBe(2)

      const once = yield* quota(false)
      expect(once._tag === "Left" && once.left._tag).toBe("DouyinBusyError")
      expect(count()).toBe(3)
      for (const request of seen) expect(request.headers["x-app-trace"]).toBe("live-test")
    }))
})

describe("FanGroupLive types", () => {
  it("the one-call layers provide the nine services, the client, OAuth, TokenStore and the shared stores, and need only FileSystem and Path", () => {
    type Live = ReturnType<typeof FanGroupLive.layerConfig>
    expectTypeOf<Layer.Layer.Success<Live>>().toEqualTypeOf<
      | FanGroupQuota.FanGroupQuota
      | CreateFanGroup.CreateFanGroup
      | ListFanGroups.ListFanGroups
      | SendGroupMessage.SendGroupMessage
      | RecallGroupMessage.RecallGroupMessage
      | SetGroupSetting.SetGroupSetting
      | DisableGroupSetting.DisableGroupSetting
      | ListEntryApplications.ListEntryApplications
      | ReviewEntryApplication.ReviewEntryApplication
      | DouyinClient.DouyinClient
      | OAuth.OAuth
      | TokenStore.TokenStore
      | OAuthState.NonceStore
      | WebhookDedupe.WebhookDedupe
      | BroadcastJournal.BroadcastJournal
    >()
    expectTypeOf<Layer.Layer.Success<Live>>().toEqualTypeOf<FanGroupApi.FanGroupApi | FanGroupLive.Services>()
    expectTypeOf<Layer.Layer.Error<Live>>().toEqualTypeOf<
      ConfigError.ConfigError | TokenStore.TokenStoreError | BroadcastJournal.BroadcastJournalError
    >()
    expectTypeOf<Layer.Layer.Context<Live>>().toEqualTypeOf<FanGroupLive.Requirements>()
    // With the platform provided nothing is left to provide.
    const _provided = FanGroupLive.layerConfig().pipe(Layer.provide(NodeContext.layer))
    expectTypeOf<Layer.Layer.Context<typeof _provided>>().toEqualTypeOf<never>()
    type FromCode = ReturnType<typeof FanGroupLive.layer>
    expectTypeOf<Layer.Layer.Success<FromCode>>().toEqualTypeOf<Layer.Layer.Success<Live>>()
    expectTypeOf<Layer.Layer.Error<FromCode>>().toEqualTypeOf<
      ConfigError.ConfigError | TokenStore.TokenStoreError | BroadcastJournal.BroadcastJournalError
    >()
    expectTypeOf<Layer.Layer.Context<FromCode>>().toEqualTypeOf<FanGroupLive.Requirements>()
  })
})
