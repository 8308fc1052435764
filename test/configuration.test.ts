/**
 * Every option is checked when its layer is built, before anything is sent: a bad value is a
 * `ConfigError` (or, for the Redis connection, a `RedisError`) naming the option, never a
 * defect, never with a secret in its message; and the call timeout bounds every call whatever
 * policies are installed. Each bad value is tried against a real loopback server that counts
 * what reaches it: nothing must.
 */
import { ConfigCheck, DouyinClient, DouyinConfig, DouyinTest, Endpoint, OAuth, RateLimit, Retry } from "@effect-douyin/core"
import * as DouyinHttpClient from "@effect-douyin/core/DouyinHttpClient"
import * as Redis from "@effect-douyin/core/Redis"
import { FanGroupQuota, WebhookConfig, WebhookDedupe, WebhookHandler, WebhookSignature } from "@effect-douyin/group"
import * as FanGroupLive from "@effect-douyin/group/FanGroupLive"
import { HttpClient } from "@effect/platform"
import { NodeContext, NodeHttpClient } from "@effect/platform-node"
import { describe, expect, it } from "@effect/vitest"
import { AccessToken } from "@effect-douyin/core"
import { ConfigError, ConfigProvider, Duration, Effect, Either, Exit, Layer, Redacted } from "effect"
import * as Fs from "node:fs"
import * as Os from "node:os"
import * as Path from "node:path"
import * as SocketServer from "../packages/core/test/support/socketServer.js"

const countOk = DouyinTest.successA({ left_count: 2 })
const count = Effect.flatMap(Endpoint.handler(FanGroupQuota.descriptor), (count) => count({ openId: "op-1" }))

/** A loopback server that answers every request with a quota; `seen` counts what arrived. */
const answering = SocketServer.serve((_, res) => {
  res.writeHead(countOk.status, { ...countOk.headers, "content-length": String(Buffer.byteLength(countOk.body)) })
  res.end(countOk.body)
})

/** A loopback server that never answers. */
const silent = SocketServer.serve(() => {})

const withEnv = (entries: Record<string, string>) => Layer.setConfigProvider(ConfigProvider.fromMap(new Map(Object.entries(entries))))

/** The layer's build error; the test fails if it builds. */
const buildError = <A, E, R>(layer: Layer.Layer<A, E, R>) => Effect.flip(Effect.scoped(Layer.build(layer)))

/** The path and message of a ConfigError (the first one, for an `And`/`Or`). */
const describeConfigError = (error: unknown): { readonly path: string; readonly message: string } => {
  expect(ConfigError.isConfigError(error)).toBe(true)
  const text = String(error)
  const match = /at ([^:]+): "(.*)"\)/.exec(text)
  return { path: match?.[1] ?? "", message: text }
}

describe("base URL, durations and user agent (DouyinConfig)", () => {
  const badBaseUrls: ReadonlyArray<readonly [string, string]> = [
    ["", "expected an absolute URL"],
    ["not a url", "expected an absolute URL"],
    ["http://127.0.0.1:99999", "expected an absolute URL"],
    ["ftp://open.douyin.com", "expected an http: or https: URL"],
    ["https://user:S3CRET-PASS@open.douyin.com", "credentials"],
    ["http://127.0.0.1:4000?x=1", "query"],
    ["http://127.0.0.1:4000/?", "query"],
    ["http://127.0.0.1:4000#frag", "fragment"]
  ]

  it.effect.each(badBaseUrls)("base URL %j: a ConfigError naming it, from code and from config", ([url, reason]) =>
    Effect.gen(function*() {
      const fromCode = describeConfigError(yield* Effect.flip(DouyinConfig.make({ baseUrl: url })))
      expect(fromCode.path).toBe("baseUrl")
      expect(fromCode.message).toContain(reason)
      expect(fromCode.message).not.toContain("S3CRET")
      const fromConfig = describeConfigError(
        yield* buildError(DouyinConfig.layerConfig().pipe(Layer.provide(withEnv({ DOUYIN_BASE_URL: url }))))
      )
      expect(fromConfig.path).toBe("DOUYIN_BASE_URL")
      expect(fromConfig.message).toContain(reason)
      expect(fromConfig.message).not.toContain("S3CRET")
    }))

  it.scopedLive("a bad base URL sends nothing: the client is never built", () =>
    Effect.gen(function*() {
      const server = yield* answering
      const exit = yield* Effect.exit(count.pipe(
        Effect.provide(DouyinClient.layer.pipe(
          Layer.provide([Retry.layerDisabled, RateLimit.layerDisabled, AccessToken.layerStatic(Redacted.make("act.T"))]),
          Layer.provide(DouyinConfig.layer({ baseUrl: `${server.url}?x=1` })),
          Layer.provide(NodeHttpClient.layerUndici)
        ))
      ))
      expect(Exit.isFailure(exit)).toBe(true)
      expect(server.seen).toHaveLength(0)
    }))

  it.scopedLive("a base URL with a path prefix (a proxy mount) is joined by URL rules", () =>
    Effect.gen(function*() {
      const server = yield* answering
      for (const base of [`${server.url}/douyin`, `${server.url}/douyin/`, `${server.url}/douyin//`]) {
        const result = yield* count.pipe(
          Effect.provide(DouyinClient.layer.pipe(
            Layer.provide([Retry.layerDisabled, RateLimit.layerDisabled, AccessToken.layerStatic(Redacted.make("act.T"))]),
            Layer.provide(DouyinConfig.layer({ baseUrl: base })),
            Layer.provide(NodeHttpClient.layerUndici)
          ))
        )
        expect(result).toEqual({ leftCount: 2 })
      }
      expect(server.seen.map((s) => s.url)).toEqual(Array(3).fill("/douyin/im/group/count/?open_id=op-1"))
    }))

  it.effect.each(["0 seconds", "-5 seconds", "0 millis"])(
    "DOUYIN_ATTEMPT_TIMEOUT %j: a ConfigError naming it",
    (value) =>
      Effect.gen(function*() {
        const error = describeConfigError(
          yield* buildError(DouyinConfig.layerConfig().pipe(Layer.provide(withEnv({ DOUYIN_ATTEMPT_TIMEOUT: value }))))
        )
        expect(error.path).toBe("DOUYIN_ATTEMPT_TIMEOUT")
      })
  )

  it.effect("durations from code: not above 0, or an attempt timeout longer than the call timeout, are refused", () =>
    Effect.gen(function*() {
      expect(describeConfigError(yield* Effect.flip(DouyinConfig.make({ attemptTimeout: 0 }))).path).toBe("attemptTimeout")
      expect(describeConfigError(yield* Effect.flip(DouyinConfig.make({ callTimeout: Duration.infinity }))).path).toBe(
        "callTimeout"
      )
      expect(describeConfigError(yield* Effect.flip(DouyinConfig.make({ callTimeout: Number.NaN }))).path).toBe("callTimeout")
      const longer = describeConfigError(
        yield* Effect.flip(DouyinConfig.make({ attemptTimeout: "3 seconds", callTimeout: "300 millis" }))
      )
      expect(longer.path).toBe("attemptTimeout")
      expect(longer.message).toContain("longer than the call timeout")
      // A call timeout alone below the default attempt timeout takes the attempt timeout with it.
      const short = yield* DouyinConfig.make({ callTimeout: "2 seconds" })
      expect(Duration.toMillis(short.attemptTimeout)).toBe(2_000)
    }))
})

describe("the call timeout bounds every call, whatever policies are installed", () => {
  // Hand-made settings (as `Layer.succeed(DouyinConfig, …)` would give): an attempt timeout of
  // 3 s under a call timeout of 300 ms, which `DouyinConfig`'s checks refuse.
  const settings: DouyinConfig.Settings = {
    baseUrl: "",
    attemptTimeout: Duration.seconds(3),
    callTimeout: Duration.millis(300),
    userAgent: { _tag: "None" } as DouyinConfig.Settings["userAgent"]
  }
  const clients: ReadonlyArray<readonly [string, Layer.Layer<HttpClient.HttpClient, ConfigError.ConfigError>]> = [
    ["the fast client", DouyinHttpClient.layer({ timeout: "3 seconds" })],
    [
      "a wrapped fast client",
      Layer.effect(
        HttpClient.HttpClient,
        Effect.map(HttpClient.HttpClient, HttpClient.mapRequest((r) => r))
      ).pipe(Layer.provide(DouyinHttpClient.layer({ timeout: "3 seconds" })))
    ],
    ["the platform's undici client", NodeHttpClient.layerUndici]
  ]

  it.scopedLive.each(clients)(
    "no retry, no limit, a static token, over %s: the call ends at its timeout",
    ([, http]) =>
      Effect.gen(function*() {
        const server = yield* silent
        const start = Date.now()
        const error = yield* Effect.flip(count).pipe(
          Effect.provide(DouyinClient.layer.pipe(
            Layer.provide([Retry.layerDisabled, RateLimit.layerDisabled, AccessToken.layerStatic(Redacted.make("act.T"))]),
            Layer.provide(Layer.succeed(DouyinConfig.DouyinConfig, { ...settings, baseUrl: server.url })),
            Layer.provide(http)
          )),
          Effect.timeout("10 seconds")
        )
        const took = Date.now() - start
        expect(error).toMatchObject({ _tag: "DouyinTransportError", sent: true })
        expect(error.message).toContain("call timeout of 300ms")
        // The attempt timeout (3 s) would end it 2.7 s later: 2 s of slack for a loaded machine.
        expect(took).toBeGreaterThanOrEqual(290)
        expect(took).toBeLessThan(2_300)
        expect(server.seen).toHaveLength(1)
      })
  )
})

describe("credentials (OAuth)", () => {
  const blank: ReadonlyArray<readonly [string, string, string]> = [
    ["   ", "S3CRET", "clientKey"],
    ["aw_key", "", "clientSecret"],
    ["aw_key", "   ", "clientSecret"]
  ]

  it.scopedLive.each(blank)(
    "client key %j, secret %j: a ConfigError naming %s, and no request",
    ([key, secret, name]) =>
      Effect.gen(function*() {
        const server = yield* answering
        const oauth = OAuth.layer({ clientKey: key, clientSecret: Redacted.make(secret) }).pipe(
          Layer.provide(DouyinConfig.layer({ baseUrl: server.url })),
          Layer.provide(NodeHttpClient.layerUndici)
        )
        const fromCode = describeConfigError(yield* buildError(oauth))
        expect(fromCode.path).toBe(name)
        const fromConfig = describeConfigError(
          yield* Effect.flip(OAuth.credentialsConfig).pipe(
            Effect.withConfigProvider(ConfigProvider.fromMap(new Map([["DOUYIN_CLIENT_KEY", key], ["DOUYIN_CLIENT_SECRET", secret]])))
          )
        )
        expect(fromConfig.path).toBe(name === "clientKey" ? "DOUYIN_CLIENT_KEY" : "DOUYIN_CLIENT_SECRET")
        expect(server.seen).toHaveLength(0)
      })
  )
})

describe("the fast client's options (DouyinHttpClient)", () => {
  const bad: ReadonlyArray<readonly [string, DouyinHttpClient.Options]> = [
    ["maxBodyBytes", { maxBodyBytes: Number.NaN }],
    ["maxBodyBytes", { maxBodyBytes: 0 }],
    ["maxBodyBytes", { maxBodyBytes: 1.5 }],
    ["timeout", { timeout: -1 }],
    ["connections", { connections: 0 }],
    ["keepAliveTimeout", { keepAliveTimeout: "0 seconds" }]
  ]

  it.effect.each(bad)("%s %j: a ConfigError naming it", ([name, options]) =>
    Effect.gen(function*() {
      expect(describeConfigError(yield* buildError(DouyinHttpClient.layer(options))).path).toBe(name)
    }))

  it.scopedLive("a body over the cap is still refused with the default cap (the cap is never off)", () =>
    Effect.gen(function*() {
      const big = `{"data":{"error_code":0,"left_count":2,"pad":"${"x".repeat(2 * 1024 * 1024)}"},"extra":{}}`
      const server = yield* SocketServer.serve((_, res) => {
        res.writeHead(200, { "content-type": "application/json", "content-length": String(Buffer.byteLength(big)) })
        res.end(big)
      })
      const client = yield* DouyinHttpClient.make()
      const error = yield* Effect.flip(Effect.flatMap(client.get(server.url), (response) => response.text))
      expect(error._tag).toBe("ResponseError")
    }))
})

describe("the webhook receiver's options (WebhookConfig)", () => {
  it.effect.each(["", "   "])("DOUYIN_CLIENT_SECRET %j: a ConfigError, so no receiver is built", (secret) =>
    Effect.gen(function*() {
      const fromConfig = describeConfigError(
        yield* buildError(WebhookConfig.layerConfig().pipe(Layer.provide(withEnv({ DOUYIN_CLIENT_SECRET: secret }))))
      )
      expect(fromConfig.path).toBe("DOUYIN_CLIENT_SECRET")
      const fromCode = describeConfigError(yield* buildError(WebhookConfig.layer({ clientSecret: Redacted.make(secret) })))
      expect(fromCode.path).toBe("clientSecret")
      const receiver = WebhookHandler.layer({}).pipe(
        Layer.provide([WebhookConfig.layerConfig(), WebhookDedupe.layer]),
        Layer.provide(withEnv({ DOUYIN_CLIENT_SECRET: secret }))
      )
      expect(ConfigError.isConfigError(yield* buildError(receiver))).toBe(true)
    }))

  it.effect.each(["", "   "])(
    "a delivery signed with the secret %j is refused even by hand-made settings",
    (secret) =>
      Effect.gen(function*() {
        const body = JSON.stringify({ event: "verify_webhook", client_key: "aw_key", content: { challenge: 1 } })
        // sha1(secret + body): what anyone can compute when the secret is empty.
        const forged = WebhookSignature.sign(Redacted.make(secret), body)
        expect(WebhookSignature.verify(Redacted.make(secret), body, forged)).toBe(false)
        const reply = yield* Effect.flatMap(
          WebhookHandler.WebhookHandler,
          (receiver) =>
            receiver.handle({ body: new TextEncoder().encode(body), headers: { [WebhookSignature.headerName]: forged, "msg-id": "m-1" } })
        ).pipe(
          Effect.provide(
            WebhookHandler.layer({}).pipe(Layer.provide([
              Layer.succeed(WebhookConfig.WebhookConfig, { clientSecret: Redacted.make(secret), maxBodyBytes: 4096 }),
              WebhookDedupe.layer
            ]))
          )
        )
        expect(reply.status).not.toBe(200)
      })
  )

  it.effect.each(["-1", "0", "", "1.5", "many"])(
    "DOUYIN_WEBHOOK_MAX_BODY_BYTES %j: a ConfigError naming it",
    (value) =>
      Effect.gen(function*() {
        const error = describeConfigError(
          yield* buildError(
            WebhookConfig.layerConfig().pipe(
              Layer.provide(withEnv({ DOUYIN_CLIENT_SECRET: "s3cret", DOUYIN_WEBHOOK_MAX_BODY_BYTES: value }))
            )
          )
        )
        expect(error.path).toBe("DOUYIN_WEBHOOK_MAX_BODY_BYTES")
        expect(error.message).not.toContain("s3cret")
      })
  )
})

describe("the Redis connection (Redis)", () => {
  const badUrls = [
    "not a url :S3CRET-PASS",
    "redis://:S3CRET-PASS@127.0.0.1:99999",
    "http://:S3CRET-PASS@127.0.0.1:6379",
    "redis://:S3CRET-PASS@127.0.0.1:6379/not-a-db",
    ""
  ]

  it.effect.each(badUrls)("URL %j: a typed RedisError naming the option, no password in it", (url) =>
    Effect.gen(function*() {
      const error = yield* buildError(Redis.layer({ url: Redacted.make(url) }))
      expect(error._tag).toBe("RedisError")
      expect(error.message).toContain("url:")
      expect(error.message).not.toContain("S3CRET")
      const fromConfig = yield* buildError(Redis.layerConfig().pipe(Layer.provide(withEnv({ DOUYIN_REDIS_URL: url }))))
      expect(ConfigError.isConfigError(fromConfig)).toBe(true)
      expect(String(fromConfig)).toContain("DOUYIN_REDIS_URL")
      expect(String(fromConfig)).not.toContain("S3CRET")
    }))

  it.effect("durations not above 0 are refused before connecting", () =>
    Effect.gen(function*() {
      const error = yield* buildError(Redis.layer({ commandTimeout: 0 }))
      expect(error.message).toContain("commandTimeout:")
    }))
})

describe("policies' options (Retry, RateLimit)", () => {
  it.effect("a limit, count or duration that is not above 0 is a ConfigError naming it, not a defect", () =>
    Effect.gen(function*() {
      const limit = (options: RateLimit.Options) =>
        Effect.flatMap(buildError(RateLimit.layer(options)), (e) => Effect.succeed(describeConfigError(e).path))
      expect(yield* limit({ global: { limit: 0, interval: "1 second" } })).toBe("global.limit")
      expect(yield* limit({ perOpenId: { limit: Number.NaN, interval: "1 second" } })).toBe("perOpenId.limit")
      expect(yield* limit({ global: { limit: 5, interval: "0 seconds" } })).toBe("global.interval")
      expect(yield* limit({ maxConcurrent: 0.5 })).toBe("maxConcurrent")
      const retry = (options: Retry.Options) =>
        Effect.flatMap(buildError(Retry.layer(options).pipe(Layer.provide(DouyinConfig.layer()))), (e) =>
          Effect.succeed(describeConfigError(e).path))
      expect(yield* retry({ maxAttempts: 0 })).toBe("maxAttempts")
      expect(yield* retry({ base: "-1 seconds" })).toBe("base")
      expect(yield* retry({ budget: { capacity: Number.NaN } })).toBe("budget.capacity")
    }))
})

describe("per-call overrides (Retry.with, RateLimit.with) are checked like the layer's options", () => {
  const retryOverrides: ReadonlyArray<readonly [string, Retry.Policy]> = [
    ["maxAttempts", { maxAttempts: 0 }],
    ["maxAttempts", { maxAttempts: -2 }],
    ["maxAttempts", { maxAttempts: Number.NaN }],
    ["maxAttempts", { maxAttempts: 2.5 }],
    ["base", { base: "-1 seconds" }],
    ["base", { base: Number.NaN }],
    ["factor", { factor: 0 }],
    ["factor", { factor: Number.NaN }],
    ["cap", { cap: "0 millis" }],
    ["deadline", { deadline: -5 }],
    ["jitter", { jitter: "yes" as unknown as boolean }],
    ["schedule", { schedule: {} as unknown as Retry.Policy["schedule"] }]
  ]
  const rateOverrides: ReadonlyArray<readonly [string, RateLimit.Override]> = [
    ["cost", { cost: 0 }],
    ["cost", { cost: -1 }],
    ["cost", { cost: Number.NaN }],
    ["cost", { cost: Number.POSITIVE_INFINITY }],
    ["mode", { mode: "queue" as unknown as RateLimit.Mode }]
  ]
  // The default policies, a static token and the fast client, against a server that counts.
  const client = (url: string) =>
    DouyinClient.layer.pipe(
      Layer.provide([Retry.layerDefault, RateLimit.layerDefault, AccessToken.layerStatic(Redacted.make("act.T"))]),
      Layer.provide(DouyinConfig.layer({ baseUrl: url })),
      Layer.provide(DouyinHttpClient.layer())
    )

  it.scopedLive.each(retryOverrides)(
    "Retry.with %s %j: DouyinInvalidInput naming it, nothing sent",
    ([field, policy]) =>
      Effect.gen(function*() {
        const server = yield* answering
        const layer = client(server.url)
        const dataLast = yield* Effect.flip(count.pipe(Retry.with(policy), Effect.provide(layer)))
        const dataFirst = yield* Effect.flip(Retry.with(count, policy).pipe(Effect.provide(layer)))
        for (const error of [dataLast, dataFirst]) {
          expect(error).toMatchObject({ _tag: "DouyinInvalidInput", endpoint: "Retry.with" })
          expect(error.message).toContain(`${field}: expected`)
          expect(error.message).toContain("nothing was sent")
        }
        expect(server.seen).toHaveLength(0)
      })
  )

  it.scopedLive.each(rateOverrides)(
    "RateLimit.with %s %j: DouyinInvalidInput naming it, nothing sent",
    ([field, override]) =>
      Effect.gen(function*() {
        const server = yield* answering
        const layer = client(server.url)
        const dataLast = yield* Effect.flip(count.pipe(RateLimit.with(override), Effect.provide(layer)))
        const dataFirst = yield* Effect.flip(RateLimit.with(count, override).pipe(Effect.provide(layer)))
        for (const error of [dataLast, dataFirst]) {
          expect(error).toMatchObject({ _tag: "DouyinInvalidInput", endpoint: "RateLimit.with" })
          expect(error.message).toContain(`${field}: expected`)
        }
        expect(server.seen).toHaveLength(0)
      })
  )

  it.scopedLive("valid overrides still go through (one request each)", () =>
    Effect.gen(function*() {
      const server = yield* answering
      const layer = client(server.url)
      const calls = [
        count.pipe(Retry.with({ maxAttempts: 1, base: "10 millis", factor: 1.5, jitter: false })),
        count.pipe(Retry.disable),
        count.pipe(RateLimit.with({ mode: "fail", cost: 0.5 }))
      ]
      for (const call of calls) expect(yield* call.pipe(Effect.provide(layer))).toEqual({ leftCount: 2 })
      expect(server.seen).toHaveLength(3)
    }))

  it.effect("the layer refuses the same values with a ConfigError naming the field", () =>
    Effect.gen(function*() {
      for (const [field, policy] of retryOverrides) {
        const error = yield* buildError(Retry.layer(policy).pipe(Layer.provide(DouyinConfig.layer())))
        expect(describeConfigError(error).path).toBe(field)
      }
    }))
})

describe("the one-call layer (FanGroupLive)", () => {
  const cases: ReadonlyArray<readonly [Record<string, string>, string]> = [
    [{ DOUYIN_BASE_URL: "https://user:S3CRET-PASS@open.douyin.com" }, "DOUYIN_BASE_URL"],
    [{ DOUYIN_BASE_URL: "http://127.0.0.1:1?x=1" }, "DOUYIN_BASE_URL"],
    [{ DOUYIN_ATTEMPT_TIMEOUT: "0 seconds" }, "DOUYIN_ATTEMPT_TIMEOUT"],
    [{ DOUYIN_CLIENT_SECRET: "  " }, "DOUYIN_CLIENT_SECRET"],
    [{ DOUYIN_CLIENT_KEY: "   " }, "DOUYIN_CLIENT_KEY"],
    [{ DOUYIN_RATE_LIMIT_GLOBAL: "0" }, "DOUYIN_RATE_LIMIT_GLOBAL"]
  ]

  it.scopedLive.each(cases)("%j: a ConfigError naming %s; no directory made, nothing sent", ([entries, key]) =>
    Effect.gen(function*() {
      const directory = Path.join(Fs.mkdtempSync(Path.join(Os.tmpdir(), "effect-douyin-config-")), "tokens")
      yield* Effect.addFinalizer(() => Effect.sync(() => Fs.rmSync(Path.dirname(directory), { recursive: true, force: true })))
      const env = {
        DOUYIN_CLIENT_KEY: "aw_key",
        DOUYIN_CLIENT_SECRET: "S3CRET-PASS",
        DOUYIN_TOKEN_DIR: directory,
        ...entries
      }
      const error = yield* buildError(FanGroupLive.layerConfig().pipe(Layer.provide(NodeContext.layer), Layer.provide(withEnv(env))))
      expect(ConfigError.isConfigError(error)).toBe(true)
      expect(String(error)).toContain(key)
      expect(String(error)).not.toContain("S3CRET")
      expect(Fs.existsSync(directory)).toBe(false)
    }))

  it.effect("options from code are checked the same way", () =>
    Effect.gen(function*() {
      const error = yield* buildError(
        FanGroupLive.layer({
          clientKey: "aw_key",
          clientSecret: Redacted.make("S3CRET-PASS"),
          tokenStore: { directory: Path.join(Os.tmpdir(), "never-made") },
          http: { maxBodyBytes: Number.NaN }
        }).pipe(Layer.provide(NodeContext.layer))
      )
      expect(describeConfigError(error).path).toBe("maxBodyBytes")
    }))
})

describe("ConfigCheck", () => {
  it("normalizes what it accepts and refuses the rest with a reason", () => {
    expect(ConfigCheck.httpUrl("https://open.douyin.com/")).toEqual(Either.right("https://open.douyin.com"))
    expect(ConfigCheck.httpUrl("HTTP://Example.COM:80/a/b/")).toEqual(Either.right("http://example.com/a/b"))
    expect(Either.isLeft(ConfigCheck.positiveInteger(Number.POSITIVE_INFINITY))).toBe(true)
    expect(Either.isLeft(ConfigCheck.nonBlank(Redacted.make("\t\n")))).toBe(true)
  })
})
