/**
 * Onboarding creators: from "connect your Douyin account" to stored tokens. `start` builds
 * the consent URL with a fresh {@link OAuthState} state (carrying the app's context); the
 * callback checks the state, exchanges the code (POST `/oauth/access_token/`, once), stores
 * the tokens under the app's `client_key` and the creator's `open_id` (`TokenStore`), and
 * hands the program a typed {@link Outcome}: `Authorized` (open_id, scopes, context),
 * `Denied` by the creator, `CodeRejected` (the code expired or was used already, 10007) or
 * `StateInvalid` (malformed, forged, foreign, expired or replayed). The app decides where to
 * send the browser next.
 *
 * Mount it on an `HttpRouter` with {@link startHandler} and {@link callbackHandler}, or inside
 * an `HttpApi` group with {@link CallbackParams} as the endpoint's URL parameters,
 * {@link Outcome} as its success, {@link Failure} as its error and {@link complete} as the
 * handler. No code, token or secret reaches a log, a span, an error or a redirect.
 *
 * @example
 * ```ts
 * import { HttpRouter, HttpServerResponse } from "@effect/platform"
 * import { Onboarding } from "@effect-douyin/core"
 *
 * const routes = HttpRouter.empty.pipe(
 *   HttpRouter.get("/oauth/start", Onboarding.startHandler()),
 *   HttpRouter.get(
 *     "/oauth/callback",
 *     Onboarding.callbackHandler((outcome) =>
 *       outcome._tag === "Authorized"
 *         ? HttpServerResponse.redirect(`/creators/${encodeURIComponent(outcome.openId)}`)
 *         : HttpServerResponse.text(`not connected: ${outcome._tag}`, { status: 400 })
 *     )
 *   )
 * )
 * ```
 *
 * @since 0.4.0
 */
import * as HttpServerRequest from "@effect/platform/HttpServerRequest"
import * as HttpServerResponse from "@effect/platform/HttpServerResponse"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Schema from "effect/Schema"
import {
  DouyinApiError,
  DouyinAuthError,
  DouyinBusyError,
  DouyinDecodeError,
  DouyinHttpError,
  type DouyinInvalidInput,
  DouyinInvalidParams,
  DouyinPermissionError,
  DouyinQuotaError,
  DouyinTransportError
} from "./DouyinError.js"
import * as OAuth from "./OAuth.js"
import * as OAuthState from "./OAuthState.js"
import * as TokenStore from "./TokenStore.js"

/** Douyin's code for an authorization code that expired or was used (10 minutes, single use). */
const codeExpired = 10007

/**
 * The creator granted access: the tokens are stored under the app's `client_key` and
 * `openId`. `scopes` are the ones Douyin echoed (the IM scopes are not echoed).
 *
 * @since 0.4.0
 * @category outcomes
 */
export const Authorized = Schema.TaggedStruct("Authorized", {
  openId: Schema.String,
  scopes: Schema.Array(Schema.String),
  /** The context given to `start`. */
  context: Schema.optional(Schema.String)
})

/**
 * The creator refused on the consent page (Douyin came back without a code).
 *
 * @since 0.4.0
 * @category outcomes
 */
export const Denied = Schema.TaggedStruct("Denied", { context: Schema.optional(Schema.String) })

/**
 * Douyin refused the code: it expired (10 minutes) or was used already. Nothing was stored;
 * start again.
 *
 * @since 0.4.0
 * @category outcomes
 */
export const CodeRejected = Schema.TaggedStruct("CodeRejected", {
  code: Schema.Number,
  context: Schema.optional(Schema.String)
})

/**
 * The callback's state is not one this app issued and has not used: nothing was exchanged.
 *
 * @since 0.4.0
 * @category outcomes
 */
export const StateInvalid = Schema.TaggedStruct("StateInvalid", {
  reason: Schema.Literal("malformed", "forged", "foreign", "expired", "replayed")
})

/**
 * What a callback came to. A Schema, so an `HttpApi` endpoint can declare it as its success.
 *
 * @since 0.4.0
 * @category outcomes
 */
export const Outcome = Schema.Union(Authorized, Denied, CodeRejected, StateInvalid)

/**
 * @since 0.4.0
 * @category outcomes
 */
export type Outcome = typeof Outcome.Type

/**
 * The query of the callback Douyin redirects to (`code` and `state`; no code when the
 * creator refused). The `urlParams` schema of an `HttpApi` callback endpoint.
 *
 * @since 0.4.0
 * @category schemas
 */
export const CallbackParams = Schema.Struct({
  code: Schema.optional(Schema.String),
  state: Schema.optional(Schema.String)
})

/**
 * @since 0.4.0
 * @category schemas
 */
export type CallbackParams = typeof CallbackParams.Type

/**
 * What a callback fails with besides its outcomes: the store could not keep the tokens or the
 * nonce, Douyin could not be reached, or it refused the exchange for a reason that is the
 * app's to fix (e.g. 10013 wrong secret). A Schema, for an `HttpApi` endpoint's errors.
 *
 * @since 0.4.0
 * @category errors
 */
export const Failure = Schema.Union(
  TokenStore.TokenStoreError,
  DouyinTransportError,
  DouyinHttpError,
  DouyinDecodeError,
  DouyinAuthError,
  DouyinPermissionError,
  DouyinInvalidParams,
  DouyinQuotaError,
  DouyinBusyError,
  DouyinApiError
)

/**
 * @since 0.4.0
 * @category errors
 */
export type Failure = typeof Failure.Type

/**
 * Where the consent page sends the creator back, and what it asks for.
 *
 * @since 0.4.0
 * @category models
 */
export interface Options {
  /** The app's callback URL (absolute http(s); its domain is the one configured for the app). */
  readonly redirectUri: string
  /** Default: the `OAuth.Scopes` reference (e.g. `FanGroupApi.scopes`). */
  readonly scopes?: ReadonlyArray<string> | undefined
  readonly optionalScopes?: ReadonlyArray<OAuth.OptionalScope> | undefined
  readonly commentId?: string | undefined
}

/**
 * @since 0.4.0
 * @category models
 */
export interface Service {
  /**
   * The consent URL for one creator, with a fresh state carrying `context` (e.g. the app's
   * user or tenant id). `DouyinInvalidInput` for bad options or an over-long context.
   */
  readonly start: (context?: string | undefined) => Effect.Effect<string, DouyinInvalidInput>
  /** Checks the state, exchanges the code and stores the tokens (see the module's rules). */
  readonly complete: (params: CallbackParams) => Effect.Effect<Outcome, Failure>
}

/**
 * @since 0.4.0
 * @category tags
 */
export class Onboarding extends Context.Tag("@effect-douyin/core/Onboarding")<Onboarding, Service>() {}

/**
 * Builds the onboarding service of the `OAuth` app over its `OAuthState` and `TokenStore`.
 *
 * @since 0.4.0
 * @category constructors
 */
export const make = (
  options: Options
): Effect.Effect<Service, never, OAuth.OAuth | OAuthState.OAuthState | TokenStore.TokenStore> =>
  Effect.gen(function*() {
    const oauth = yield* OAuth.OAuth
    const states = yield* OAuthState.OAuthState
    const store = yield* TokenStore.TokenStore

    const start = (context?: string | undefined) =>
      Effect.flatMap(states.issue(context), (state) => oauth.authorizeUrl({ ...options, state })).pipe(
        Effect.withSpan("Onboarding.start", { attributes: { "douyin.client_key": oauth.clientKey } })
      )

    const exchange = (code: string, context: string | undefined): Effect.Effect<Outcome, Failure> =>
      TokenStore.authorize(code).pipe(
        Effect.provideService(OAuth.OAuth, oauth),
        Effect.provideService(TokenStore.TokenStore, store),
        Effect.map((token): Outcome => ({ _tag: "Authorized", openId: token.openId, scopes: token.scope, context })),
        Effect.catchIf(
          (e): e is DouyinAuthError => e._tag === "DouyinAuthError" && e.code === codeExpired,
          (e): Effect.Effect<Outcome> => Effect.succeed({ _tag: "CodeRejected", code: e.code, context })
        )
      )

    const complete = (params: CallbackParams): Effect.Effect<Outcome, Failure> =>
      states.verify(params.state ?? "").pipe(
        Effect.matchEffect({
          onFailure: (e): Effect.Effect<Outcome, Failure> =>
            e._tag === "OAuthStateError" ? Effect.succeed({ _tag: "StateInvalid", reason: e.reason }) : Effect.fail(e),
          onSuccess: ({ context }) =>
            params.code === undefined || params.code === ""
              ? Effect.succeed<Outcome>({ _tag: "Denied", context })
              : exchange(params.code, context)
        }),
        Effect.tap((outcome) =>
          Effect.annotateCurrentSpan({
            "douyin.onboarding.outcome": outcome._tag,
            ...(outcome._tag === "Authorized" ? { "douyin.open_id": outcome.openId } : {}),
            ...(outcome._tag === "StateInvalid" ? { "douyin.onboarding.state": outcome.reason } : {})
          })
        ),
        Effect.withSpan("Onboarding.complete", { attributes: { "douyin.client_key": oauth.clientKey } })
      )

    return { start, complete }
  })

/**
 * @since 0.4.0
 * @category layers
 */
export const layer = (
  options: Options
): Layer.Layer<Onboarding, never, OAuth.OAuth | OAuthState.OAuthState | TokenStore.TokenStore> => Layer.effect(Onboarding, make(options))

/**
 * {@link Service.start} through the provided `Onboarding`.
 *
 * @since 0.4.0
 * @category accessors
 */
export const start = (context?: string | undefined): Effect.Effect<string, DouyinInvalidInput, Onboarding> =>
  Effect.flatMap(Onboarding, (o) => o.start(context))

/**
 * {@link Service.complete} through the provided `Onboarding`: the handler of an `HttpApi`
 * callback endpoint (`({ urlParams }) => Onboarding.complete(urlParams)`).
 *
 * @since 0.4.0
 * @category accessors
 */
export const complete = (params: CallbackParams): Effect.Effect<Outcome, Failure, Onboarding> =>
  Effect.flatMap(Onboarding, (o) => o.complete(params))

// The callback URL holds the code: the page answering it is never cached, and never tells the
// next site where the browser came from.
const privateHeaders = { "cache-control": "no-store", "referrer-policy": "no-referrer" }

/**
 * An `HttpRouter` route that sends the browser to the consent page (302) with a fresh state.
 * `context` (optional) computes what the state carries from the request, e.g. the signed-in
 * user of the app.
 *
 * @since 0.4.0
 * @category http
 */
export const startHandler = <E = never, R = never>(options: {
  readonly context?: Effect.Effect<string | undefined, E, R> | undefined
} = {}): Effect.Effect<HttpServerResponse.HttpServerResponse, DouyinInvalidInput | E, Onboarding | R> =>
  Effect.gen(function*() {
    const context = options.context === undefined ? undefined : yield* options.context
    const url = yield* start(context)
    return HttpServerResponse.redirect(url, { status: 302, headers: privateHeaders })
  })

/**
 * An `HttpRouter` route for the callback: reads `code` and `state` from the query, runs
 * {@link complete} and answers with what `respond` makes of the outcome (with
 * `Cache-Control: no-store` and `Referrer-Policy: no-referrer`, since the URL held a code).
 *
 * @since 0.4.0
 * @category http
 */
export const callbackHandler = <E, R>(
  respond: (outcome: Outcome) => Effect.Effect<HttpServerResponse.HttpServerResponse, E, R> | HttpServerResponse.HttpServerResponse
): Effect.Effect<
  HttpServerResponse.HttpServerResponse,
  Failure | E,
  Onboarding | HttpServerRequest.HttpServerRequest | R
> =>
  Effect.gen(function*() {
    const request = yield* HttpServerRequest.HttpServerRequest
    const query = new URL(request.url, "http://callback.invalid").searchParams
    const outcome = yield* complete({
      ...(query.has("code") ? { code: query.get("code")! } : {}),
      ...(query.has("state") ? { state: query.get("state")! } : {})
    })
    const answered = respond(outcome)
    const response = HttpServerResponse.isServerResponse(answered) ? answered : yield* answered
    return HttpServerResponse.setHeaders(response, privateHeaders)
  })
