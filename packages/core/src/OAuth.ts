/**
 * The OAuth flows of the Open Platform (docs/wire.md#oauth-and-tokens): authorization code → user access
 * token, refresh, renewal of the refresh token, and the app's `client_token`. All four answer
 * with envelope C (`{ data: { …, error_code, description }, message }`, numbers possibly as
 * strings) and fail with the core error taxonomy (OAuth codes 10001–10020 in `ErrorCode`).
 *
 * Tokens and the client secret are `Redacted` in every value this module returns, and they
 * never reach span attributes, logs or error messages (error text is scrubbed of them).
 *
 * @example
 * ```ts
 * import { DouyinConfig, OAuth } from "@effect-douyin/core"
 * import { FetchHttpClient } from "@effect/platform"
 * import { Effect, Layer } from "effect"
 *
 * const program = Effect.gen(function*() {
 *   const oauth = yield* OAuth.OAuth
 *   const token = yield* oauth.accessToken("code-from-the-redirect")
 *   console.log(token.openId, token.scope)
 * })
 * program.pipe(Effect.provide(OAuth.layerConfig().pipe(
 *   Layer.provide(DouyinConfig.layer()), Layer.provide(FetchHttpClient.layer))))
 * ```
 *
 * @since 0.1.0
 */
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as Config from "effect/Config"
import * as Context from "effect/Context"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as Schema from "effect/Schema"
import type { ConfigError } from "effect/ConfigError"
import * as ConfigCheck from "./ConfigCheck.js"
import { DouyinConfig } from "./DouyinConfig.js"
import type { DouyinCodeError, DouyinDecodeError, DouyinHttpError, DouyinInvalidInput, DouyinTransportError } from "./DouyinError.js"
import * as Envelope from "./Envelope.js"
import * as DouyinMetrics from "./DouyinMetrics.js"
import * as Attempt from "./internal/attempt.js"
import * as consent from "./internal/authorizeUrl.js"
import * as parseIssue from "./internal/parseIssue.js"
import * as Server from "./internal/server.js"

/**
 * What any OAuth call can fail with. Notable codes: 10007 code expired, 10008 access token
 * expired, 10010 refresh token expired and 10013 wrong secret (`DouyinAuthError`), 10004 no
 * renew permission (`DouyinPermissionError`), 10020 renew limit or client_token frequency
 * limit (`DouyinQuotaError`), 10001 system error (`DouyinBusyError`).
 *
 * @since 0.1.0
 * @category models
 */
export type OAuthError = DouyinTransportError | DouyinHttpError | DouyinDecodeError | DouyinCodeError

/**
 * A user (operator) token, as returned by the code exchange (`/oauth/access_token/`) and by the
 * refresh (`/oauth/refresh_token/`): Douyin answers both with the same fields, so both calls
 * decode them with one Schema into this one type, and a program handles them alike. An answer
 * that lacks one of them is a `DouyinDecodeError` naming the missing field.
 *
 * @since 0.1.0
 * @category models
 */
export interface UserToken {
  /** The user who authorized: the `open_id` this token acts for. */
  readonly openId: string
  /** `act.…`; goes into the `access-token` header of the fan-group calls. */
  readonly accessToken: Redacted.Redacted<string>
  /** Lifetime of the access token from the moment of the response (15 days). */
  readonly expiresIn: Duration.Duration
  /** `rft.…`; refreshes the access token without the user. */
  readonly refreshToken: Redacted.Redacted<string>
  /**
   * Lifetime of the refresh token as Douyin states it (`refresh_expires_in`; 30 days after an
   * authorization). A refresh does not extend the refresh token's own life: the token store
   * keeps the earlier of the expiry it has and the one this implies.
   */
  readonly refreshExpiresIn: Duration.Duration
  /** Granted scopes (the IM scopes are not echoed here, docs/wire.md#hosts-paths-and-headers). */
  readonly scope: ReadonlyArray<string>
  readonly logId: Option.Option<string>
}

/**
 * The result of `/oauth/renew_refresh_token/`.
 *
 * @since 0.1.0
 * @category models
 */
export interface RenewedRefreshToken {
  readonly refreshToken: Redacted.Redacted<string>
  readonly expiresIn: Duration.Duration
  readonly logId: Option.Option<string>
}

/**
 * The app's `client_token` (`clt.…`, valid 2 hours; fetching a new one invalidates the
 * previous one after 5 minutes). Prefer the cached `ClientToken` service to calling
 * {@link Service.clientToken} directly.
 *
 * @since 0.1.0
 * @category models
 */
export interface ClientToken {
  readonly accessToken: Redacted.Redacted<string>
  readonly expiresIn: Duration.Duration
  readonly logId: Option.Option<string>
}

/**
 * @since 0.1.0
 * @category models
 */
export interface Service {
  /** The app's `client_key` (not a secret). */
  readonly clientKey: string
  /**
   * Exchanges an authorization code (10 minutes, single use) for the user's tokens.
   * POST `/oauth/access_token/`, form `client_key, client_secret, code,
   * grant_type=authorization_code`. Not idempotent: a code works once.
   */
  readonly accessToken: (code: string | Redacted.Redacted<string>) => Effect.Effect<UserToken, OAuthError>
  /**
   * Refreshes a user access token. POST `/oauth/refresh_token/`, form `client_key,
   * grant_type=refresh_token, refresh_token` (no secret). The answer has the fields of the code
   * exchange: the same {@link UserToken}. Not idempotent in effect (a new access token may be
   * issued); the store-backed token source sends it once per expiry. 10010: the refresh token
   * expired, the user must authorize again.
   */
  readonly refreshToken: (refreshToken: string | Redacted.Redacted<string>) => Effect.Effect<UserToken, OAuthError>
  /**
   * Renews a refresh token before it expires. POST `/oauth/renew_refresh_token/`, form
   * `client_key, refresh_token`. Needs the renew permission (else 10004); the number of
   * renewals is capped (10020).
   */
  readonly renewRefreshToken: (
    refreshToken: string | Redacted.Redacted<string>
  ) => Effect.Effect<RenewedRefreshToken, OAuthError>
  /**
   * The consent page URL for this app (see {@link authorizeUrl}), on the configured base URL
   * (`DouyinConfig`, so a sandbox serves it). Scopes left out are the ones of the
   * {@link Scopes} reference. No request is made; bad input is a `DouyinInvalidInput`.
   */
  readonly authorizeUrl: (options: AuthorizeOptions) => Effect.Effect<string, DouyinInvalidInput>
  /**
   * Fetches a new `client_token`. POST `/oauth/client_token/`, JSON `client_key,
   * client_secret, grant_type=client_credential`. More than 500 calls in 5 minutes → 10020.
   */
  readonly clientToken: Effect.Effect<ClientToken, OAuthError>
}

/**
 * @since 0.1.0
 * @category tags
 */
export class OAuth extends Context.Tag("@effect-douyin/core/OAuth")<OAuth, Service>() {}

/**
 * The app's credentials. The secret may be given as a plain string or `Redacted` alike (as
 * every secret input of `OAuth`: a code, a refresh token); the service keeps it `Redacted`.
 *
 * @since 0.1.0
 * @category models
 */
export interface Credentials {
  readonly clientKey: string
  readonly clientSecret: string | Redacted.Redacted<string>
}

/**
 * An optional scope of the consent page: shown checked (`checked: true`) or unchecked.
 *
 * @since 0.4.0
 * @category models
 */
export interface OptionalScope {
  readonly scope: string
  readonly checked: boolean
}

/**
 * What the consent page URL carries besides the app's `client_key`.
 *
 * @since 0.4.0
 * @category models
 */
export interface AuthorizeOptions {
  /**
   * Where Douyin sends the creator back: an absolute http(s) URL whose domain is the callback
   * domain configured for the app (its path and query may vary).
   */
  readonly redirectUri: string
  /** Returned unchanged on the redirect: the CSRF guard (see `OAuthState`). */
  readonly state: string
  /**
   * The scopes the creator must grant (non-empty). Default: the {@link Scopes} reference, e.g.
   * `FanGroupApi.scopes` of `@effect-douyin/group` for the fan-group endpoints.
   */
  readonly scopes?: ReadonlyArray<string> | undefined
  /** Scopes the creator may leave out. */
  readonly optionalScopes?: ReadonlyArray<OptionalScope> | undefined
  /** The id of an authorization note configured on the platform (`comment_id`). */
  readonly commentId?: string | undefined
}

/**
 * The scopes a consent URL asks for when the caller names none: set it once for the program
 * (`Layer.succeed(OAuth.Scopes, FanGroupApi.scopes)`) and every `authorizeUrl` and
 * `Onboarding` start asks for exactly what the program's endpoints need. Empty by default.
 *
 * @since 0.4.0
 * @category references
 */
export class Scopes extends Context.Reference<Scopes>()("@effect-douyin/core/OAuth/Scopes", {
  defaultValue: (): ReadonlyArray<string> => []
}) {}

/**
 * The path of the consent page on the platform's host.
 *
 * @since 0.4.0
 * @category constants
 */
export const authorizePath: string = consent.path

/**
 * The URL of Douyin's consent page (GET `/platform/oauth/connect/`) for the app
 * `clientKey`: `client_key`, `response_type=code`, `scope` (comma-separated),
 * `optionalScope` (`scope,1` checked / `scope,0` unchecked), `redirect_uri`, `state` and
 * `comment_id`. A URL the creator opens, never a request the backend makes.
 *
 * Fails with `DouyinInvalidInput` (and builds nothing) for an empty or non-http(s)
 * `redirectUri`, an empty scope list or a scope that is not a scope name, an empty state or
 * one longer than 1024 characters, an empty `commentId`.
 *
 * @example
 * ```ts
 * import { OAuth } from "@effect-douyin/core"
 * import { Effect } from "effect"
 *
 * const url = OAuth.authorizeUrl({
 *   clientKey: "my_client_key",
 *   redirectUri: "https://app.example.com/oauth/callback?tenant=7",
 *   state: "opaque-state",
 *   scopes: ["im.group_fans.create_list", "im.group_message"]
 * })
 * Effect.runSync(url) // https://open.douyin.com/platform/oauth/connect/?client_key=my_client_key&…
 * ```
 *
 * @since 0.4.0
 * @category constructors
 */
export const authorizeUrl = (
  options: AuthorizeOptions & {
    readonly clientKey: string
    /** Default `https://open.douyin.com`. */
    readonly baseUrl?: string | undefined
  }
): Either.Either<string, DouyinInvalidInput> =>
  consent.build({
    ...options,
    baseUrl: options.baseUrl ?? "https://open.douyin.com",
    scopes: options.scopes ?? []
  })

/**
 * Endpoint ids of the OAuth calls: span names and the `endpoint` of their errors.
 *
 * @since 0.1.0
 * @category constants
 */
export const EndpointIds = {
  accessToken: "oauth/AccessToken",
  refreshToken: "oauth/RefreshToken",
  renewRefreshToken: "oauth/RenewRefreshToken",
  clientToken: "oauth/ClientToken"
} as const

/**
 * Paths of the OAuth calls, trailing slash included.
 *
 * @since 0.1.0
 * @category constants
 */
export const Paths = {
  accessToken: "/oauth/access_token/",
  refreshToken: "/oauth/refresh_token/",
  renewRefreshToken: "/oauth/renew_refresh_token/",
  clientToken: "/oauth/client_token/"
} as const

// ---------------------------------------------------------------------------------------------
// wire schemas (the `data` object of envelope C)

const Seconds = Envelope.LenientNumber.pipe(Schema.filter((n) => Number.isFinite(n) && n >= 0))
const Token = Schema.Redacted(Schema.NonEmptyString)
const Scope = Schema.optional(Schema.NullOr(Schema.String))

// The code exchange and the refresh answer with the same fields (docs/wire.md#oauth-and-tokens).
const UserTokenWire = Schema.Struct({
  data: Schema.Struct({
    access_token: Token,
    expires_in: Seconds,
    open_id: Schema.NonEmptyString,
    refresh_token: Token,
    refresh_expires_in: Seconds,
    scope: Scope
  })
})

const RenewedWire = Schema.Struct({
  data: Schema.Struct({ refresh_token: Token, expires_in: Seconds })
})

const ClientTokenWire = Schema.Struct({
  data: Schema.Struct({ access_token: Token, expires_in: Seconds })
})

const seconds = (n: number) => Duration.seconds(n)
const scopes = (s: string | null | undefined): ReadonlyArray<string> => (s ?? "").split(",").map((x) => x.trim()).filter((x) => x !== "")
const redacted = (s: string | Redacted.Redacted<string>) => (Redacted.isRedacted(s) ? s : Redacted.make(s))

const fromUserToken = ({ data }: typeof UserTokenWire.Type, logId: Option.Option<string>): UserToken => ({
  openId: data.open_id,
  accessToken: data.access_token,
  expiresIn: seconds(data.expires_in),
  refreshToken: data.refresh_token,
  refreshExpiresIn: seconds(data.refresh_expires_in),
  scope: scopes(data.scope),
  logId
})

const fromRenewed = ({ data }: typeof RenewedWire.Type, logId: Option.Option<string>): RenewedRefreshToken => ({
  refreshToken: data.refresh_token,
  expiresIn: seconds(data.expires_in),
  logId
})

const fromClientToken = ({ data }: typeof ClientTokenWire.Type, logId: Option.Option<string>): ClientToken => ({
  accessToken: data.access_token,
  expiresIn: seconds(data.expires_in),
  logId
})

/** One OAuth request: where it goes, what it carries, and which of its values are secret. */
interface Exchange<W, A> {
  readonly endpoint: string
  readonly path: string
  readonly encoding: "form" | "json"
  readonly fields: Readonly<Record<string, string>>
  /** Values a server or a parser may echo back: never in an error. */
  readonly secrets: ReadonlyArray<string>
  readonly schema: Schema.Schema<W, any>
  readonly result: (wire: W, logId: Option.Option<string>) => A
}

/**
 * Sends OAuth exchanges through the shared attempt pipeline (deadline, no redirects, typed and
 * scrubbed errors), one span per call. Decode failures name the paths that failed, never the
 * values (a token response is made of secrets).
 */
const makeExchanger = (
  sender: Attempt.Sender,
  baseUrl: string,
  userAgent: string | undefined,
  clientKey: string,
  metrics: DouyinMetrics.Recorder
) =>
<W, A>(exchange: Exchange<W, A>): Effect.Effect<A, OAuthError> => {
  const base = HttpClientRequest.post(baseUrl + exchange.path, {
    headers: userAgent === undefined ? {} : { "user-agent": userAgent }
  })
  const request = exchange.encoding === "form"
    ? HttpClientRequest.bodyUrlParams(base, exchange.fields)
    : HttpClientRequest.bodyUnsafeJson(base, exchange.fields)
  const decode = Schema.decodeUnknownEither(exchange.schema, { errors: "all" })
  const decoder = (body: unknown, logId: string | undefined) =>
    Either.mapBoth(decode(body), {
      onLeft: (e) => `unexpected token response: ${parseIssue.describe(e)}`,
      onRight: (wire) => exchange.result(wire, Option.fromNullable(logId))
    })
  const server = Server.of(baseUrl)
  return Effect.useSpan(exchange.endpoint, {
    kind: "client",
    captureStackTrace: false,
    attributes: {
      "douyin.endpoint": exchange.endpoint,
      "douyin.client_key": clientKey,
      "http.request.method": "POST",
      "url.path": exchange.path,
      "server.address": server.address,
      "server.port": server.port
    }
  }, (span) =>
    Effect.clockWith((clock) =>
      sender.send(request, {
        endpoint: exchange.endpoint,
        envelope: "C",
        secrets: exchange.secrets,
        decodeDetail: "withhold",
        span,
        clock,
        decode: decoder
      })
    ).pipe(
      Effect.tapError((error) => {
        span.attribute("error.type", error._tag)
        if ("code" in error) span.attribute("douyin.code", error.code)
        return Effect.logDebug(`douyin oauth call failed: ${error.message}`)
      }),
      Effect.withParentSpan(span),
      (call) => metrics.oauthCall(exchange.endpoint, call)
    ))
}

/**
 * Builds the OAuth service for `credentials` over the injected `HttpClient`, with the base URL
 * and the per-attempt timeout of `DouyinConfig`. No retries: the caller (or the token store)
 * decides. An empty or blank client key or secret fails with a `ConfigError` naming it (the
 * secret is never part of it), so no request is sent with them.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (
  credentials: Credentials
): Effect.Effect<Service, ConfigError, HttpClient.HttpClient | DouyinConfig> =>
  Effect.gen(function*() {
    yield* ConfigCheck.option("clientKey", ConfigCheck.nonBlank, credentials.clientKey)
    yield* ConfigCheck.option("clientSecret", ConfigCheck.nonBlank, credentials.clientSecret)
    const config = yield* DouyinConfig
    const fetch = yield* Effect.serviceOption(FetchHttpClient.Fetch)
    const sender = Attempt.make(yield* HttpClient.HttpClient, {
      attemptTimeout: config.attemptTimeout,
      fetch: Option.getOrUndefined(fetch)
    })
    const { clientKey } = credentials
    const secret = Redacted.value(redacted(credentials.clientSecret))
    const metrics = yield* DouyinMetrics.recorder
    const exchange = makeExchanger(sender, config.baseUrl, Option.getOrUndefined(config.userAgent), clientKey, metrics)

    const accessToken = (code: string | Redacted.Redacted<string>) => {
      const codeValue = Redacted.value(redacted(code))
      return exchange({
        endpoint: EndpointIds.accessToken,
        path: Paths.accessToken,
        encoding: "form",
        fields: { client_key: clientKey, client_secret: secret, code: codeValue, grant_type: "authorization_code" },
        secrets: [secret, codeValue],
        schema: UserTokenWire,
        result: fromUserToken
      })
    }

    const refreshToken = (input: string | Redacted.Redacted<string>) => {
      const refreshToken = redacted(input)
      return exchange({
        endpoint: EndpointIds.refreshToken,
        path: Paths.refreshToken,
        encoding: "form",
        fields: { client_key: clientKey, grant_type: "refresh_token", refresh_token: Redacted.value(refreshToken) },
        secrets: [secret, Redacted.value(refreshToken)],
        schema: UserTokenWire,
        result: fromUserToken
      })
    }

    const renewRefreshToken = (input: string | Redacted.Redacted<string>) => {
      const refreshToken = redacted(input)
      return exchange({
        endpoint: EndpointIds.renewRefreshToken,
        path: Paths.renewRefreshToken,
        encoding: "form",
        fields: { client_key: clientKey, refresh_token: Redacted.value(refreshToken) },
        secrets: [secret, Redacted.value(refreshToken)],
        schema: RenewedWire,
        result: fromRenewed
      })
    }

    const authorize = (options: AuthorizeOptions) =>
      Effect.flatMap(
        options.scopes === undefined ? Scopes : Effect.succeed(options.scopes),
        (scopes) => consent.build({ ...options, clientKey, baseUrl: config.baseUrl, scopes })
      )

    const clientToken = exchange({
      endpoint: EndpointIds.clientToken,
      path: Paths.clientToken,
      encoding: "json",
      fields: { client_key: clientKey, client_secret: secret, grant_type: "client_credential" },
      secrets: [secret],
      schema: ClientTokenWire,
      result: fromClientToken
    })

    return { clientKey, accessToken, refreshToken, renewRefreshToken, clientToken, authorizeUrl: authorize }
  })

/**
 * @since 0.1.0
 * @category layers
 */
export const layer = (credentials: Credentials): Layer.Layer<OAuth, ConfigError, HttpClient.HttpClient | DouyinConfig> =>
  Layer.effect(OAuth, make(credentials))

/**
 * The credentials from config: `DOUYIN_CLIENT_KEY` and `DOUYIN_CLIENT_SECRET` (kept
 * `Redacted`), both required and not empty or blank.
 *
 * @example
 * ```ts
 * import { OAuth } from "@effect-douyin/core"
 * import { Effect } from "effect"
 *
 * const clientKey = Effect.map(OAuth.credentialsConfig, (credentials) => credentials.clientKey)
 * ```
 *
 * @since 0.2.0
 * @category config
 */
export const credentialsConfig: Config.Config<Credentials> = Config.all({
  clientKey: ConfigCheck.key("DOUYIN_CLIENT_KEY", Config.string(), ConfigCheck.nonBlank),
  clientSecret: ConfigCheck.key("DOUYIN_CLIENT_SECRET", Config.redacted(), ConfigCheck.nonBlank)
})

/**
 * Reads the credentials from config ({@link credentialsConfig}: `DOUYIN_CLIENT_KEY` and
 * `DOUYIN_CLIENT_SECRET`) unless another config is given.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerConfig = (
  config: Config.Config<Credentials> = credentialsConfig
): Layer.Layer<OAuth, ConfigError, HttpClient.HttpClient | DouyinConfig> => Layer.effect(OAuth, Effect.flatMap(config, make))
