// Shared fixtures of the token tests: a fan-group-like descriptor, OAuth reply builders and
// a layer stack (store-backed tokens, OAuth and the client over the fake HttpClient).
import { Cause, Effect, Exit, Layer, Redacted } from "effect"
import * as Tracer from "effect/Tracer"
import { AccessToken, DouyinClient, DouyinConfig, DouyinTest, OAuth, RateLimit, Retry, TokenStore } from "../src/index.js"

export const clientKey = "ck_test_app"
export const clientSecret = "cs_SECRET_never_logged_4f2a"

export { Count } from "./support/descriptors.js"

export const day = 24 * 60 * 60 * 1000

/** A stored entry with times relative to TestClock's 0. */
export const stored = (
  accessToken: string,
  refreshToken: string,
  options: { readonly expiresAt?: number; readonly refreshExpiresAt?: number } = {}
): TokenStore.StoredToken => ({
  accessToken: Redacted.make(accessToken),
  expiresAt: options.expiresAt ?? 15 * day,
  refreshToken: Redacted.make(refreshToken),
  refreshExpiresAt: options.refreshExpiresAt ?? 30 * day,
  scope: ["user_info"]
})

export const key = (openId: string): TokenStore.Key => ({ clientKey, openId })

/** Envelope C success carrying a user token. */
export const userTokenReply = (fields: {
  readonly accessToken: string
  readonly openId: string
  readonly refreshToken?: string
  readonly expiresIn?: number | string
  readonly refreshExpiresIn?: number | string
}) =>
  DouyinTest.json({
    data: {
      access_token: fields.accessToken,
      captcha: "",
      desc_url: "",
      description: "",
      error_code: 0,
      expires_in: fields.expiresIn ?? 1296000,
      log_id: "20230525105733ED3ED7AC56A000000",
      open_id: fields.openId,
      refresh_expires_in: fields.refreshExpiresIn ?? 2592000,
      refresh_token: fields.refreshToken ?? `rft.${fields.openId}`,
      scope: "user_info"
    },
    message: "success"
  })

/** Envelope C failure. */
export const oauthError = (code: number, description = "error") =>
  DouyinTest.json({
    data: { error_code: code, description },
    message: "error",
    extra: { logid: "2023OAUTHLOGID", now: 1 }
  })

export const form = (request: DouyinTest.RecordedRequest): Record<string, string> =>
  Object.fromEntries(new URLSearchParams(request.bodyText ?? ""))

export const onPath = (path: string) => Effect.map(DouyinTest.requests, (all) => all.filter((r) => r.path === path))

export const credentials: OAuth.Credentials = { clientKey, clientSecret: Redacted.make(clientSecret) }

/**
 * A memory store seeded with `seed` that counts its reads (`reads.count`) and fails the next
 * `reads.failNext` of them with a `TokenStoreError`: what the token source asks of its store.
 */
export const countingStore = (
  seed: Iterable<readonly [TokenStore.Key, TokenStore.StoredToken]>,
  reads: { count: number; failNext: number }
): Layer.Layer<TokenStore.TokenStore> =>
  Layer.effect(
    TokenStore.TokenStore,
    Effect.map(TokenStore.makeMemory(seed), (store): TokenStore.Service => ({
      ...store,
      get: (key) =>
        Effect.suspend(() => {
          reads.count++
          if (reads.failNext > 0) {
            reads.failNext--
            return Effect.fail(new TokenStore.TokenStoreError({ store: "memory", operation: "read", description: "down" }))
          }
          return store.get(key)
        })
    }))
  )

/**
 * Client + store-backed tokens + OAuth over one fake HttpClient. Exposes the client, the
 * token source, the store and the recorder. `store` replaces the memory store seeded with
 * `seed` (e.g. a {@link countingStore}).
 */
export const stack = (
  responder: DouyinTest.Responder,
  seed: Iterable<readonly [TokenStore.Key, TokenStore.StoredToken]>,
  options: AccessToken.StoreOptions = {},
  store: Layer.Layer<TokenStore.TokenStore> = TokenStore.layerMemory(seed)
) => {
  const tokens = AccessToken.layerStore(options).pipe(
    Layer.provide(OAuth.layer(credentials)),
    Layer.provideMerge(store)
  )
  return DouyinClient.layer.pipe(
    Layer.provide(Retry.layerDisabled),
    Layer.provide(RateLimit.layerDisabled),
    Layer.provideMerge(tokens),
    Layer.provideMerge(DouyinTest.layer(responder)),
    Layer.provideMerge(DouyinConfig.layer())
  )
}

export const waitUntil = (condition: Effect.Effect<boolean, never, DouyinTest.Recorder>) =>
  Effect.gen(function*() {
    while (!(yield* condition)) yield* Effect.yieldNow()
  })

/** A tracer that keeps every span, to look for secrets in names, attributes and events. */
export const recordingTracer = () => {
  const spans: Array<{ name: string; attributes: Map<string, unknown>; events: Array<unknown>; exit?: unknown }> = []
  const tracer = Tracer.make({
    span(name, parent, context, links, startTime, kind) {
      const record = { name, attributes: new Map<string, unknown>(), events: [] as Array<unknown>, exit: undefined as unknown }
      spans.push(record)
      const span: Tracer.Span = {
        _tag: "Span",
        name,
        spanId: `span-${spans.length}`,
        traceId: "trace",
        parent,
        context,
        status: { _tag: "Started", startTime },
        attributes: record.attributes,
        links: [...links],
        sampled: true,
        kind,
        end: (_endTime, exit) => {
          record.exit = exit
        },
        attribute: (k, v) => {
          record.attributes.set(k, v)
        },
        event: (n, _t, attributes) => {
          record.events.push([n, attributes])
        },
        addLinks: () => {}
      }
      return span
    },
    context: (f) => f()
  })
  const dump = () =>
    JSON.stringify(
      spans.map((s) => ({
        name: s.name,
        attributes: Object.fromEntries(s.attributes),
        events: s.events,
        exit: Exit.isExit(s.exit) && Exit.isFailure(s.exit) ? Cause.pretty(s.exit.cause) : ""
      })),
      (_k, v) => typeof v === "bigint" ? String(v) : v
    )
  return { tracer, spans, dump }
}
