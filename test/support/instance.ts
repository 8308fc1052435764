/**
 * One instance of an app, as its own OS process, for the many-instance rows of the fault
 * matrix (docs/reliability.md#fault-matrix, rows 16, 18–21): `node --import tsx test/support/instance.ts '<json>'`.
 * It talks to a sandbox server over loopback and keeps its tokens in Redis or a directory;
 * it prints one JSON line per result on stdout (see `Instances.ts`, which spawns it).
 */
import { HttpRouter, HttpServer } from "@effect/platform"
import { NodeContext, NodeHttpClient, NodeHttpServer } from "@effect/platform-node"
import { AccessToken, ClientToken, DouyinClient, DouyinConfig, Endpoint, OAuth, RateLimit, Retry, TokenStore } from "@effect-douyin/core"
import * as Redis from "@effect-douyin/core/Redis"
import * as TokenStoreRedis from "@effect-douyin/core/TokenStoreRedis"
import { FanGroupQuota, UploadImage, WebhookConfig, WebhookHandler } from "@effect-douyin/group"
import { FanGroupSandbox } from "@effect-douyin/sandbox"
import * as WebhookDedupeRedis from "@effect-douyin/group/WebhookDedupeRedis"
import { Duration, Effect, Layer, Redacted } from "effect"
import { createServer } from "node:http"

export interface Config {
  readonly mode: "calls" | "authorize" | "loop" | "webhook" | "readonly" | "uploads"
  readonly baseUrl: string
  readonly clientKey: string
  readonly redisUrl?: string | undefined
  readonly prefix?: string | undefined
  /** File store directory instead of Redis. */
  readonly tokenDir?: string | undefined
  readonly openIds?: ReadonlyArray<string> | undefined
  /** calls: how many, spread over `openIds`, all at once. */
  readonly calls?: number | undefined
  /** calls: print `{"ready":true}` once started, and begin when a line arrives on stdin. */
  readonly waitForGo?: boolean | undefined
  /** loop: one call every `intervalMs` for `durationMs`. */
  readonly durationMs?: number | undefined
  readonly intervalMs?: number | undefined
  readonly leaseTtlMs?: number | undefined
  /** `AccessToken.layerStore`'s `cacheFor` (its default when absent). */
  readonly cacheForMs?: number | undefined
  readonly redisCommandTimeoutMs?: number | undefined
  readonly attemptTimeoutMs?: number | undefined
  readonly callTimeoutMs?: number | undefined
  /** webhook: the signing secret, and where to report each handled event. */
  readonly webhookSecret?: string | undefined
  readonly reportUrl?: string | undefined
  /** uploads: `ClientToken.layerStore`'s `refreshBefore`. */
  readonly clientRefreshBeforeMs?: number | undefined
}

const config: Config = JSON.parse(process.argv[2] ?? "{}")
const print = (line: unknown) => Effect.sync(() => process.stdout.write(`${JSON.stringify(line)}\n`))

const RedisLive = Redis.layer({
  url: config.redisUrl,
  prefix: config.prefix,
  ...(config.redisCommandTimeoutMs === undefined ? {} : { commandTimeout: Duration.millis(config.redisCommandTimeoutMs) })
})

const Store = config.tokenDir !== undefined
  ? TokenStore.layerFile({ directory: config.tokenDir }).pipe(Layer.provide(NodeContext.layer))
  : TokenStoreRedis.layer().pipe(Layer.provide(RedisLive))

const Base = OAuth.layer({ clientKey: config.clientKey, clientSecret: Redacted.make("instance-secret") }).pipe(
  Layer.provideMerge(DouyinConfig.layer({
    baseUrl: config.baseUrl,
    callTimeout: Duration.millis(config.callTimeoutMs ?? 30_000),
    // Absent: 10 s, or the call timeout when that is shorter.
    attemptTimeout: config.attemptTimeoutMs === undefined ? undefined : Duration.millis(config.attemptTimeoutMs)
  })),
  Layer.provideMerge(NodeHttpClient.layer)
)

const Client = DouyinClient.layer.pipe(
  Layer.provide(Retry.layerDisabled),
  Layer.provide(RateLimit.layerDisabled),
  Layer.provide(AccessToken.layerStore({
    leaseTtl: Duration.millis(config.leaseTtlMs ?? 20_000),
    ...(config.cacheForMs === undefined ? {} : { cacheFor: Duration.millis(config.cacheForMs) })
  })),
  Layer.provideMerge(Store),
  Layer.provideMerge(Base)
)

const count = (openId: string) => Effect.flatMap(Endpoint.handler(FanGroupQuota.descriptor), (call) => call({ openId }))
const openIds = config.openIds ?? ["alice"]

const calls = Effect.gen(function*() {
  if (config.waitForGo === true) {
    yield* print({ ready: true })
    yield* Effect.async<void>((resume) =>
      void process.stdin.once("data", () => {
        process.stdin.destroy() // nothing more to read: let the process exit when done
        resume(Effect.void)
      })
    )
  }
  const results = yield* Effect.all(
    Array.from({ length: config.calls ?? 1 }, (_, i) => Effect.either(count(openIds[i % openIds.length]))),
    { concurrency: "unbounded" }
  )
  const errors: Record<string, number> = {}
  for (const r of results) {
    if (r._tag === "Left") {
      errors[r.left._tag] = (errors[r.left._tag] ?? 0) + 1
      yield* Effect.sync(() => process.stderr.write(`${r.left.message}\n`))
    }
  }
  yield* print({ ok: results.filter((r) => r._tag === "Right").length, errors })
}).pipe(Effect.provide(Client))

// The creators authorize the app through the sandbox's OAuth; the tokens go to the store.
const authorize = Effect.gen(function*() {
  const admin = yield* FanGroupSandbox.makeRemote(config.baseUrl)
  for (const openId of openIds) {
    const code = yield* admin.authorize({ openId })
    yield* TokenStore.authorize(code)
  }
  yield* print({ authorized: openIds.length })
}).pipe(Effect.provide(Layer.merge(Store, Base)))

const loop = Effect.gen(function*() {
  const end = Date.now() + (config.durationMs ?? 3000)
  while (Date.now() < end) {
    const started = Date.now()
    const result = yield* Effect.either(count(openIds[0]))
    yield* print({
      at: started,
      ms: Date.now() - started,
      result: result._tag === "Right" ? "ok" : result.left._tag
    })
    yield* Effect.sleep(Duration.millis(config.intervalMs ?? 100))
  }
}).pipe(Effect.provide(Client))

// A webhook receiver: each handled event is reported to the test's counting server.
const webhook = Layer.launch(
  HttpRouter.empty.pipe(
    HttpRouter.post("/douyin/webhook", WebhookHandler.app),
    HttpServer.serve(),
    Layer.provide(
      WebhookHandler.layer({
        GroupMessageReceived: (event) =>
          Effect.promise(() =>
            fetch(`${config.reportUrl}/handled?pid=${process.pid}&msg=${encodeURIComponent(event.content.serverMessageId)}`, {
              method: "POST"
            })
          )
      }).pipe(
        Layer.provide(WebhookConfig.layer({ clientSecret: Redacted.make(config.webhookSecret ?? "") })),
        Layer.provide(WebhookDedupeRedis.layer().pipe(Layer.provide(RedisLive)))
      )
    ),
    Layer.provide(Layer.effectDiscard(HttpServer.addressWith((a) => print({ port: a._tag === "TcpAddress" ? a.port : 0 })))),
    Layer.provideMerge(NodeHttpServer.layer(() => createServer(), { port: 0, host: "127.0.0.1" }))
  )
)

// The file store on a directory this process may not write: every write is a typed error.
const readonly = Effect.gen(function*() {
  const store = yield* TokenStore.makeFile({ directory: config.tokenDir ?? "" })
  const error = yield* Effect.flip(store.set({ clientKey: config.clientKey, openId: "alice" }, {
    accessToken: Redacted.make("act.readonly"),
    expiresAt: Date.now() + 60_000,
    refreshToken: Redacted.make("rft.readonly"),
    refreshExpiresAt: Date.now() + 120_000,
    scope: []
  }))
  yield* print({ error: error._tag, store: error.store, operation: error.operation })
}).pipe(Effect.provide(NodeContext.layer))

// Uploads with the app's client token kept in the shared store: one upload every `intervalMs`
// for `durationMs` (after "go" on stdin with `waitForGo`), then one result line.
const Uploader = UploadImage.layer.pipe(
  Layer.provide(DouyinClient.layer),
  Layer.provide(Retry.layerDisabled),
  Layer.provide(RateLimit.layerDisabled),
  Layer.provide(AccessToken.layerStatic(Redacted.make("act.unused-by-uploads"))),
  Layer.provide(ClientToken.layerStore({
    refreshBefore: Duration.millis(config.clientRefreshBeforeMs ?? 300_000),
    leaseTtl: Duration.millis(config.leaseTtlMs ?? 20_000)
  })),
  Layer.provideMerge(Store),
  Layer.provideMerge(Base)
)

const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52, 0, 0, 0, 16, 0, 0, 0, 9])

const uploads = Effect.gen(function*() {
  if (config.waitForGo === true) {
    yield* print({ ready: true })
    yield* Effect.async<void>((resume) =>
      void process.stdin.once("data", () => {
        process.stdin.destroy()
        resume(Effect.void)
      })
    )
  }
  const end = Date.now() + (config.durationMs ?? 3000)
  let ok = 0
  const errors: Record<string, number> = {}
  while (Date.now() < end) {
    const result = yield* Effect.either(UploadImage.upload({ image: png }))
    if (result._tag === "Right") ok++
    else {
      errors[result.left._tag] = (errors[result.left._tag] ?? 0) + 1
      yield* Effect.sync(() => process.stderr.write(`${result.left.message}\n`))
    }
    yield* Effect.sleep(Duration.millis(config.intervalMs ?? 100))
  }
  yield* print({ ok, errors })
}).pipe(Effect.provide(Uploader))

const program: Effect.Effect<unknown, unknown> = {
  calls,
  authorize,
  loop,
  webhook,
  readonly,
  uploads
}[config.mode]

Effect.runPromiseExit(program).then((exit) => {
  if (exit._tag === "Failure") {
    process.stdout.write(`${JSON.stringify({ failure: String(exit.cause) })}\n`)
    process.exitCode = 1
  }
})
