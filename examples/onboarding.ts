/**
 * `pnpm onboarding`: a backend that connects creators' Douyin accounts, then manages their fan
 * groups. Open http://127.0.0.1:3000 and click "Connect Douyin":
 *
 *   GET /oauth/start     → 302 to Douyin's consent page, with a fresh signed state
 *   GET /oauth/callback  ← Douyin sends the creator back with code + state; the SDK checks the
 *                          state, exchanges the code once and stores the tokens; the app
 *                          redirects to the creator's page (or says why not)
 *   GET /creators/:id    → ListFanGroups for that creator, with the stored tokens
 *
 * With no environment it starts a local Douyin (the sandbox, consent page included) on a
 * loopback port and needs no credentials. Against a running sandbox or the real platform:
 * `DOUYIN_BASE_URL`, `DOUYIN_CLIENT_KEY`, `DOUYIN_CLIENT_SECRET`, `DOUYIN_STATE_KEY` (32+
 * characters), and `ONBOARDING_PUBLIC_URL` (the callback's origin, e.g. https://app.example.com).
 * `ONBOARDING_PORT` (default 3000), `DOUYIN_TOKEN_DIR` (default `.douyin-tokens`).
 */
import { createServer } from "node:http"
import * as Crypto from "node:crypto"
import { HttpMiddleware, HttpRouter, HttpServer, HttpServerResponse } from "@effect/platform"
import * as NodeContext from "@effect/platform-node/NodeContext"
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import * as NodeHttpServer from "@effect/platform-node/NodeHttpServer"
import * as NodeRuntime from "@effect/platform-node/NodeRuntime"
import { AccessToken, DouyinClient, DouyinConfig, OAuth, OAuthState, Onboarding, RateLimit, Retry, TokenStore } from "@effect-douyin/core"
import { FanGroupApi, ListFanGroups } from "@effect-douyin/group"
import { Config, Console, Effect, Layer, Option, Redacted } from "effect"
import * as SandboxServer from "@effect-douyin/sandbox/SandboxServer"
import { isMain } from "./support/Target.js"

/** The sandbox's demo app, used when no credentials are given. */
export const sandboxApp = { clientKey: "sandbox-client-key", clientSecret: "sandbox-client-secret" } as const

export interface Options {
  /** Douyin's base URL (a sandbox's, or https://open.douyin.com). */
  readonly baseUrl: string
  readonly clientKey: string
  /** A plain string or `Redacted` alike (the SDK keeps it `Redacted`). */
  readonly clientSecret: string | Redacted.Redacted<string>
  /** The HMAC key of the OAuth state: a long random secret (32+ characters), string or `Redacted`. */
  readonly stateKey: string | Redacted.Redacted<string>
  /** Where tokens and used states are kept. */
  readonly directory: string
  /** Default 3000; 0 picks a free port. */
  readonly port?: number | undefined
  /** The origin Douyin redirects back to (default `http://127.0.0.1:<port>`). */
  readonly publicUrl?: string | undefined
}

const html = (title: string, body: string, status = 200) =>
  HttpServerResponse.html(
    `<!doctype html><html><head><meta charset="utf-8"><title>${title}</title></head><body>${body}</body></html>`
  ).pipe(HttpServerResponse.setStatus(status))

const escape = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)

/** What the app makes of each outcome: only "Authorized" goes on; nothing here holds a code. */
const afterCallback = (outcome: Onboarding.Outcome) => {
  switch (outcome._tag) {
    case "Authorized":
      return HttpServerResponse.redirect(`/creators/${encodeURIComponent(outcome.openId)}`, { status: 303 })
    case "Denied":
      return html("Not connected", `<p id="outcome">Denied: you chose not to connect. <a href="/oauth/start">Try again</a></p>`, 403)
    case "CodeRejected":
      return html("Not connected", `<p id="outcome">CodeRejected: the code expired. <a href="/oauth/start">Start again</a></p>`, 400)
    case "StateInvalid":
      return html("Not connected", `<p id="outcome">StateInvalid: ${outcome.reason}. <a href="/oauth/start">Start again</a></p>`, 400)
  }
}

/** The creator's groups, read with the stored tokens (refreshed by the SDK when due). */
const creatorPage = Effect.gen(function*() {
  const { openId } = yield* HttpRouter.params
  if (openId === undefined) return yield* html("Not found", "", 404)
  return yield* ListFanGroups.list({ openId }).pipe(
    Effect.flatMap(({ groups }) =>
      html(
        `Creator ${escape(openId)}`,
        `<h1 id="creator">${escape(openId)}</h1><p id="connected">Connected.</p><p id="group-count">${groups.length} fan groups</p><ul>` +
          groups.map((g) => `<li>${escape(g.groupName)}</li>`).join("") + `</ul>`
      )
    ),
    Effect.catchTag(
      "DouyinAuthError",
      (e) => html("Connect first", `<p id="outcome">${e.reason ?? "auth"}: <a href="/oauth/start">connect Douyin</a></p>`, 401)
    )
  )
})

const routes = HttpRouter.empty.pipe(
  HttpRouter.get(
    "/",
    html("effect-douyin onboarding", `<h1>Fan groups, managed</h1><p><a id="connect" href="/oauth/start">Connect Douyin</a></p>`)
  ),
  HttpRouter.get("/oauth/start", Onboarding.startHandler()),
  HttpRouter.get("/oauth/callback", Onboarding.callbackHandler(afterCallback)),
  HttpRouter.get("/creators/:openId", creatorPage),
  // Errors name their tag only: a page is no place for a description.
  Effect.catchAll((e) => html("Error", `<p id="error">${e._tag}</p>`, 502))
)

/** The backend served on `options.port`, with the SDK's layers. */
export const layer = (options: Options) => {
  const douyin = OAuth.layer({ clientKey: options.clientKey, clientSecret: options.clientSecret }).pipe(
    Layer.provideMerge(DouyinConfig.layer({ baseUrl: options.baseUrl })),
    Layer.provideMerge(NodeHttpClient.layerUndici)
  )
  const tokens = TokenStore.layerFile({ directory: options.directory }).pipe(Layer.provide(NodeContext.layer))
  const states = OAuthState.layer({ key: options.stateKey }).pipe(
    Layer.provide(OAuthState.layerNoncesFile(`${options.directory}/states`).pipe(Layer.provide(NodeContext.layer)))
  )
  const api = FanGroupApi.layer.pipe(
    Layer.provide(DouyinClient.layer),
    Layer.provide(Retry.layerDefault),
    Layer.provide(RateLimit.layerDefault),
    Layer.provide(AccessToken.layerStore())
  )
  const onboarding = Layer.unwrapEffect(
    HttpServer.addressWith((address) =>
      Effect.succeed(Onboarding.layer({
        redirectUri: `${
          options.publicUrl ?? (address._tag === "TcpAddress" ? `http://127.0.0.1:${address.port}` : "http://localhost")
        }/oauth/callback`,
        scopes: FanGroupApi.scopes
      }))
    )
  ).pipe(Layer.provide(states))
  return HttpServer.serve(routes).pipe(
    // The platform's server span records the request URL, query included: the callback's URL
    // holds the code, so that request gets no server span (the SDK's own spans carry no code).
    HttpMiddleware.withTracerDisabledWhen((request) => request.url.startsWith("/oauth/callback")),
    Layer.provideMerge(Layer.merge(api, onboarding)),
    Layer.provide(tokens),
    Layer.provide(douyin),
    Layer.provideMerge(NodeHttpServer.layer(createServer, { port: options.port ?? 3000, host: "127.0.0.1" }))
  )
}

const env = Config.all({
  baseUrl: Config.option(Config.nonEmptyString("DOUYIN_BASE_URL")),
  clientKey: Config.withDefault(Config.nonEmptyString("DOUYIN_CLIENT_KEY"), sandboxApp.clientKey),
  clientSecret: Config.withDefault(Config.redacted("DOUYIN_CLIENT_SECRET"), Redacted.make(sandboxApp.clientSecret)),
  stateKey: Config.option(OAuthState.config.pipe(Config.map((c) => c.key))),
  directory: Config.withDefault(Config.string("DOUYIN_TOKEN_DIR"), ".douyin-tokens"),
  port: Config.withDefault(Config.integer("ONBOARDING_PORT"), 3000),
  publicUrl: Config.option(Config.nonEmptyString("ONBOARDING_PUBLIC_URL"))
})

/** Reads the environment; with no `DOUYIN_BASE_URL`, starts a sandbox for the demo app first. */
export const main = Effect.gen(function*() {
  const e = yield* env
  const sandbox = Option.isSome(e.baseUrl)
    ? Effect.succeed(e.baseUrl.value)
    : Effect.flatMap(
      Layer.build(SandboxServer.layer({
        clientKey: sandboxApp.clientKey,
        clientSecret: Redacted.make(sandboxApp.clientSecret)
      })),
      (context) => Effect.provide(SandboxServer.url, context)
    )
  const baseUrl = yield* sandbox
  const options: Options = {
    baseUrl,
    clientKey: e.clientKey,
    clientSecret: e.clientSecret,
    // A key for this run only: states issued before a restart are then refused (forged).
    stateKey: Option.getOrElse(e.stateKey, () => Redacted.make(Crypto.randomBytes(32).toString("base64"))),
    directory: e.directory,
    port: e.port,
    publicUrl: Option.getOrUndefined(e.publicUrl)
  }
  const server = yield* Layer.build(layer(options))
  const url = yield* Effect.provide(HttpServer.addressFormattedWith((a) => Effect.succeed(a)), server)
  yield* Console.log(`onboarding backend on ${url} (Douyin: ${baseUrl}); open it and click "Connect Douyin". Ctrl-C to stop.`)
  return yield* Effect.never
})

if (isMain(import.meta.url)) NodeRuntime.runMain(Effect.scoped(main))
