/**
 * Where the user access token for an operator (`open_id`) comes from. Every call asks this
 * service for the token of its `open_id`; on an expired-token code the client asks it once
 * to refresh.
 *
 * Implementations: {@link layerStatic} / {@link layerConfig} (one fixed token),
 * {@link layerFunction} (bring your own), and {@link layerStore} (tokens kept in a
 * `TokenStore`, refreshed through `OAuth`: proactively before expiry, reactively once on an
 * expired-token code, single-flight per `client_key` + `open_id`).
 *
 * @since 0.1.0
 */
import * as Clock from "effect/Clock"
import * as Config from "effect/Config"
import * as Context from "effect/Context"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as Ref from "effect/Ref"
import type { ConfigError } from "effect/ConfigError"
import { dual } from "effect/Function"
import type * as Scope from "effect/Scope"
import * as ConfigCheck from "./ConfigCheck.js"
import { DouyinAuthError, type DouyinCommonError, DouyinPermissionError, DouyinStoreError } from "./DouyinError.js"
import * as DouyinMetrics from "./DouyinMetrics.js"
import * as ErrorCode from "./ErrorCode.js"
import { defined } from "./internal/defined.js"
import * as singleFlight from "./internal/singleFlight.js"
import * as TokenCache from "./internal/tokenCache.js"
import * as OAuth from "./OAuth.js"
import * as TokenStore from "./TokenStore.js"

/**
 * @since 0.1.0
 * @category models
 */
export interface Service {
  /** The token to use for `openId` now. */
  readonly get: (openId: string) => Effect.Effect<Redacted.Redacted<string>, DouyinCommonError>
  /**
   * Douyin rejected `stale` as expired or invalid: obtain a fresh token. `None` means this
   * source cannot refresh, and the call fails with Douyin's auth error.
   */
  readonly refresh: (
    openId: string,
    stale: Redacted.Redacted<string>
  ) => Effect.Effect<Option.Option<Redacted.Redacted<string>>, DouyinCommonError>
  /**
   * `true` when `get` and `refresh` answer at once (a fixed token): the client then needs no
   * call timeout around them.
   */
  readonly immediate?: boolean | undefined
  /**
   * The token for `openId` when it is known at once, without waiting (a fixed token, or one
   * the store-backed source read moments ago and that is still fresh); else `undefined`, and
   * the client asks `get` (under the call timeout unless `immediate`). Must not block or fail.
   */
  readonly peek?: ((openId: string) => Redacted.Redacted<string> | undefined) | undefined
  /**
   * A call for `openId` was refused with 2190003 (the creator did not grant the scope): the
   * source may record it. The store-backed source marks the creator (`scope-not-granted` in
   * `TokenStore.needingReauthorization`). Must not fail.
   */
  readonly scopeNotGranted?: ((openId: string) => Effect.Effect<void>) | undefined
}

/**
 * @since 0.1.0
 * @category tags
 */
export class AccessToken extends Context.Tag("@effect-douyin/core/AccessToken")<AccessToken, Service>() {}

/**
 * A per-call override, read by the client on every call (see {@link withToken}).
 *
 * @since 0.1.0
 * @category references
 */
export class Override extends Context.Reference<Override>()("@effect-douyin/core/AccessToken/Override", {
  defaultValue: (): Option.Option<Redacted.Redacted<string>> => Option.none()
}) {}

/**
 * Runs `effect` with a fixed token for every call inside it, whatever the layer says.
 * An overridden token is never refreshed. Data-last (in a pipe) or data-first.
 *
 * @example
 * ```ts
 * import { AccessToken } from "@effect-douyin/core"
 * import { Effect, Redacted } from "effect"
 *
 * const program = Effect.log("calls Douyin")
 * const piped = program.pipe(AccessToken.withToken(Redacted.make("act.xxx")))
 * const direct = AccessToken.withToken(program, Redacted.make("act.xxx"))
 * ```
 *
 * @since 0.1.0
 * @category combinators
 */
export const withToken: {
  (token: Redacted.Redacted<string>): <A, E, R>(effect: Effect.Effect<A, E, R>) => Effect.Effect<A, E, R>
  <A, E, R>(effect: Effect.Effect<A, E, R>, token: Redacted.Redacted<string>): Effect.Effect<A, E, R>
} = dual(
  2,
  <A, E, R>(effect: Effect.Effect<A, E, R>, token: Redacted.Redacted<string>): Effect.Effect<A, E, R> =>
    Effect.provideService(effect, Override, Option.some(token))
)

const noRefresh = Effect.succeed(Option.none<Redacted.Redacted<string>>())

/**
 * One token for every `open_id`; never refreshed.
 *
 * @since 0.1.0
 * @category constructors
 */
export const makeStatic = (token: Redacted.Redacted<string>): Service => {
  const got = Effect.succeed(token)
  return {
    get: () => got,
    refresh: () => noRefresh,
    immediate: true,
    peek: () => token
  }
}

/**
 * @since 0.1.0
 * @category layers
 */
export const layerStatic = (token: Redacted.Redacted<string>): Layer.Layer<AccessToken> => Layer.succeed(AccessToken, makeStatic(token))

/**
 * One static token read from config (default `DOUYIN_ACCESS_TOKEN`), kept `Redacted`.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerConfig = (
  config: Config.Config<Redacted.Redacted<string>> = Config.redacted("DOUYIN_ACCESS_TOKEN")
): Layer.Layer<AccessToken, ConfigError> => Layer.effect(AccessToken, Effect.map(config, makeStatic))

/**
 * Bring your own: `get` resolves the token for an `open_id`; the optional `refresh` is asked
 * once after Douyin rejected a token as expired.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerFunction = (options: {
  readonly get: (openId: string) => Effect.Effect<Redacted.Redacted<string>, DouyinCommonError>
  readonly refresh?: Service["refresh"] | undefined
}): Layer.Layer<AccessToken> => Layer.succeed(AccessToken, { get: options.get, refresh: options.refresh ?? (() => noRefresh) })

/**
 * Options of {@link layerStore}.
 *
 * @since 0.1.0
 * @category models
 */
export interface StoreOptions {
  /**
   * Refresh proactively when the access token expires within this window (default 5 minutes).
   * The call that notices waits for the refresh; if the refresh fails while the old token is
   * still valid, the old token is used.
   */
  readonly refreshBefore?: Duration.DurationInput | undefined
  /**
   * After a successful reactive refresh of token T, further callers that report T as stale
   * within this window get the refreshed token without another refresh, even when Douyin
   * extended T instead of issuing a new value (default 30 seconds).
   */
  readonly reuseWindow?: Duration.DurationInput | undefined
  /**
   * After a refresh failed with a transient error (busy, 5xx, timeout, malformed answer), no
   * new refresh of that key is sent for a backoff that starts at 1 second and doubles with
   * each further failure up to this cap (default 15 seconds): callers meanwhile get the
   * failure at once (or, proactively, the still-valid old token), so an OAuth outage costs a
   * few refresh requests per open_id, whatever the number of calls.
   */
  readonly retryAfterFailure?: Duration.DurationInput | undefined
  /**
   * How long a refresh holds the store's lease for its key (default 20 seconds): across
   * processes sharing the store one refresh runs per key; a holder that crashed loses the
   * lease after this long. Keep it above `DouyinConfig`'s attempt timeout.
   */
  readonly leaseTtl?: Duration.DurationInput | undefined
  /**
   * Renew the refresh token (POST `/oauth/renew_refresh_token/`) when it expires within
   * `renewBefore`, so a creator keeps working without authorizing again (default `true`;
   * needs the app's renew permission: without it Douyin answers 10004 and the creator is
   * marked as needing re-authorization).
   */
  readonly renewRefreshToken?: boolean | undefined
  /** Default 5 days (a refresh token lives 30 days). */
  readonly renewBefore?: Duration.DurationInput | undefined
  /**
   * How long an entry read from (or written to) the `TokenStore` is kept in memory, so that
   * the calls that follow neither read the store nor wait (default 5 seconds; `0` reads the
   * store on every call). A kept token is used only while it is fresh by the rules above
   * (outside `refreshBefore`, no renewal due); anything else reads the store as without it.
   * Failures are never kept.
   *
   * Staleness bound: a change to the store made by someone else (another process's refresh,
   * `TokenStore.authorize`, a removal or revocation) is seen at most `cacheFor` after it, or
   * at once on an expired-token code: the reactive refresh always reads the store, so a token
   * another process refreshed meanwhile is picked up there, without a second refresh. What this
   * source writes itself is seen at once.
   *
   * @example
   * ```ts
   * import { AccessToken } from "@effect-douyin/core"
   *
   * // A revoked authorization stops being used within 1 second on this instance.
   * const Tokens = AccessToken.layerStore({ cacheFor: "1 second" })
   * ```
   *
   * @since 0.3.0
   */
  readonly cacheFor?: Duration.DurationInput | undefined
  /**
   * Called once when the source finds that a creator must authorize again: Douyin refused a
   * refresh (10010: `refresh-token-expired`, or `revoked` before the known expiry) or a renewal
   * (10004 / 10020: `renewal-refused`), or a call found a scope not granted (2190003). The
   * same creator is listed by `TokenStore.needingReauthorization` with the same reason. A
   * failure of the callback is ignored.
   *
   * @example
   * ```ts
   * import { AccessToken } from "@effect-douyin/core"
   * import { Effect } from "effect"
   *
   * const Tokens = AccessToken.layerStore({
   *   onReauthorization: (event) => Effect.log(`ask ${event.openId} to connect again: ${event.reason}`)
   * })
   * ```
   *
   * @since 0.4.0
   */
  readonly onReauthorization?: ((event: ReauthorizationEvent) => Effect.Effect<void>) | undefined
}

/**
 * The errors the store-backed source can fail with: the OAuth refresh's errors, and three
 * raised locally without a request:
 * - `DouyinAuthError` 10010 when no token is stored for the key (the user must authorize) or
 *   the stored refresh token has expired or was refused;
 * - `DouyinPermissionError` 2190015 when the refresh answered for another `open_id`;
 * - `DouyinStoreError` when the `TokenStore` failed (e.g. Redis down).
 *
 * @since 0.1.0
 * @category models
 */
export type StoreError = OAuth.OAuthError | DouyinAuthError | DouyinPermissionError | DouyinStoreError

/**
 * The store-backed source: a {@link Service} whose error channel is exactly {@link StoreError}.
 *
 * @since 0.1.0
 * @category models
 */
export interface StoreService extends Service {
  readonly get: (openId: string) => Effect.Effect<Redacted.Redacted<string>, StoreError>
  readonly refresh: (
    openId: string,
    stale: Redacted.Redacted<string>
  ) => Effect.Effect<Option.Option<Redacted.Redacted<string>>, StoreError>
  /** The token kept from a recent store read while it is fresh (see `StoreOptions.cacheFor`). */
  readonly peek: (openId: string) => Redacted.Redacted<string> | undefined
  readonly scopeNotGranted: (openId: string) => Effect.Effect<void>
}

const storeEndpoint = "AccessToken/store"

// Inside the store source, store failures travel as they are and become the call's
// `DouyinStoreError` at its boundary.
type Failure = StoreError | TokenStore.TokenStoreError

const toCallError = (e: Failure): StoreError =>
  e._tag === "TokenStoreError"
    ? new DouyinStoreError({ endpoint: storeEndpoint, store: e.store, operation: e.operation, description: e.description })
    : e

// A refresh that failed this way will fail the same way with the same refresh token.
const isTerminal = (e: Failure): boolean => {
  switch (e._tag) {
    case "DouyinAuthError":
    case "DouyinPermissionError":
    case "DouyinInvalidParams":
    case "DouyinQuotaError":
    case "DouyinApiError":
      return true
    default:
      return false
  }
}

// Douyin's answers that mean "only a new authorization helps", on refresh or renewal.
const reauthorizationCodes: ReadonlySet<number> = new Set([
  ErrorCode.Codes.refreshTokenExpired,
  ErrorCode.Codes.oauthNoPermission,
  ErrorCode.Codes.renewLimitExceeded
])

const authorizeFirst = new DouyinAuthError({
  endpoint: storeEndpoint,
  code: ErrorCode.Codes.refreshTokenExpired,
  reason: "never-authorized",
  description: "no token stored for this client_key and open_id: the user must authorize"
})

const authorizeAgain = (reason: TokenStore.ReauthorizationReason) =>
  new DouyinAuthError({
    endpoint: storeEndpoint,
    code: ErrorCode.Codes.refreshTokenExpired,
    reason,
    description: reason === "revoked"
      ? "Douyin refused the refresh token before its expiry (authorization revoked): the user must authorize again"
      : "the stored refresh token has expired or was refused: the user must authorize again"
  })

/**
 * A 10010 on a refresh token that should still have more than this long to live means the
 * creator withdrew the authorization (Douyin kills the tokens at once), not that it ran out.
 */
const revocationMargin = 60 * 60 * 1000

/** The reason Douyin's refusal of `entry`'s refresh token (on refresh or renewal) means at `now`. */
const refusalReason = (code: number, entry: TokenStore.StoredToken, now: number): TokenStore.ReauthorizationReason =>
  code === ErrorCode.Codes.refreshTokenExpired
    ? (now < entry.refreshExpiresAt - revocationMargin ? "revoked" : "refresh-token-expired")
    : "renewal-refused"

/**
 * A creator must authorize the app again (or grant a scope): what a program can observe with
 * `StoreOptions.onReauthorization`, besides `TokenStore.needingReauthorization`.
 *
 * @since 0.4.0
 * @category models
 */
export interface ReauthorizationEvent {
  readonly clientKey: string
  readonly openId: string
  readonly reason: TokenStore.ReauthorizationReason
  /** Douyin's code: 10010, 10004, 10020 or 2190003. */
  readonly code: number
  /** What found it: a refresh, a renewal of the refresh token, or a call (missing scope). */
  readonly during: "refresh" | "renewal" | "call"
  /** Epoch ms. */
  readonly at: number
}

interface Settings {
  readonly refreshBefore: number
  readonly reuseWindow: number
  readonly backoffCap: number
  readonly leaseTtl: Duration.Duration
  readonly renew: boolean
  readonly renewBefore: number
  readonly cacheFor: number
}

/** Every duration of the options finite and not negative (`leaseTtl` above 0): else a `ConfigError` naming it. */
const checkStoreOptions = (options: StoreOptions): Effect.Effect<void, ConfigError> =>
  Effect.gen(function*() {
    const durations = ["refreshBefore", "reuseWindow", "retryAfterFailure", "renewBefore", "cacheFor"] as const
    for (const name of durations) {
      const value = options[name]
      if (value !== undefined) yield* ConfigCheck.option(name, ConfigCheck.nonNegativeDuration, value)
    }
    if (options.leaseTtl !== undefined) yield* ConfigCheck.option("leaseTtl", ConfigCheck.positiveDuration, options.leaseTtl)
  })

const settingsOf = (options: StoreOptions): Settings => ({
  refreshBefore: Duration.toMillis(options.refreshBefore ?? "5 minutes"),
  reuseWindow: Duration.toMillis(options.reuseWindow ?? "30 seconds"),
  backoffCap: Duration.toMillis(options.retryAfterFailure ?? "15 seconds"),
  leaseTtl: Duration.decode(options.leaseTtl ?? "20 seconds"),
  renew: options.renewRefreshToken ?? true,
  renewBefore: Duration.toMillis(options.renewBefore ?? "5 days"),
  cacheFor: Duration.toMillis(options.cacheFor ?? "5 seconds")
})

/** A failed refresh or renewal of one key, held against the refresh token it was sent with. */
interface HeldFailure {
  readonly refreshToken: Redacted.Redacted<string>
  readonly error: Failure
  /** Until when no new request is sent (Infinity: a terminal failure). */
  readonly until: number
  /** Consecutive transient failures, for the doubling backoff. */
  readonly count: number
}

type Memo<V> = Ref.Ref<ReadonlyMap<string, V>>

/** What one store source remembers per key (in the layer: nothing at module level). */
interface Source {
  /** The `TokenStore`, read and written through it (`cache.store`). */
  readonly cache: TokenCache.TokenCache
  readonly oauth: OAuth.Service
  readonly flights: singleFlight.SingleFlight
  readonly settings: Settings
  readonly clientKey: string
  /** The last successful reactive refresh: which stale token it replaced, and when. */
  readonly lastRefresh: Memo<{ readonly from: Redacted.Redacted<string>; readonly at: number }>
  /** Failed refreshes (key id) and renewals (key id + "/renew"). */
  readonly failures: Memo<HeldFailure>
  readonly metrics: DouyinMetrics.Recorder
  readonly onReauthorization: (event: ReauthorizationEvent) => Effect.Effect<void>
}

const remember = <V>(memo: Memo<V>, id: string, value: V) => Ref.update(memo, (m) => new Map(m).set(id, value))
const forget = <V>(memo: Memo<V>, id: string) =>
  Ref.update(memo, (m) => {
    if (!m.has(id)) return m
    const next = new Map(m)
    next.delete(id)
    return next
  })

const sameSecret = (a: Redacted.Redacted<string>, b: Redacted.Redacted<string>) => Redacted.value(a) === Redacted.value(b)

const load = (ctx: Source, key: TokenStore.Key) =>
  Effect.flatMap(ctx.cache.store.get(key), Option.match({ onNone: () => Effect.fail(authorizeFirst), onSome: Effect.succeed }))

/** The store key of `openId` for this source's app. */
const keyOf = (ctx: Source, openId: string): TokenStore.Key => ({ clientKey: ctx.clientKey, openId })

const isFresh = (ctx: Source, entry: TokenStore.StoredToken, now: number) => now < entry.expiresAt - ctx.settings.refreshBefore

/** The refresh token should be renewed now. */
const renewalDue = (ctx: Source, entry: TokenStore.StoredToken, now: number) =>
  ctx.settings.renew && (entry.reauthorization === undefined || entry.reauthorization.reason === "scope-not-granted") &&
  now < entry.refreshExpiresAt &&
  entry.refreshExpiresAt - now < ctx.settings.renewBefore

/**
 * The kept token of `openId` when `get` would return it from the store without more work:
 * read moments ago, fresh, no renewal due. Synchronous, on the layer's clock.
 */
const peekToken = (ctx: Source, clock: Clock.Clock) => (openId: string): Redacted.Redacted<string> | undefined => {
  const now = clock.unsafeCurrentTimeMillis()
  const entry = ctx.cache.recent(keyOf(ctx, openId), now)
  return entry !== undefined && isFresh(ctx, entry, now) && !renewalDue(ctx, entry, now) ? entry.accessToken : undefined
}

/** The failure still held for this refresh token, if any. */
const heldFailure = (ctx: Source, id: string, refreshToken: Redacted.Redacted<string>, now: number) =>
  Effect.map(Ref.get(ctx.failures), (m) => {
    const held = m.get(id)
    return held !== undefined && sameSecret(held.refreshToken, refreshToken) && now < held.until
      ? Option.some(held.error)
      : Option.none()
  })

/** Holds `error` off for this key: for good if terminal, else for a doubling backoff. */
const holdFailure = (ctx: Source, id: string, refreshToken: Redacted.Redacted<string>, error: Failure) =>
  Effect.gen(function*() {
    const now = yield* Clock.currentTimeMillis
    const previous = (yield* Ref.get(ctx.failures)).get(id)
    const count = previous !== undefined && sameSecret(previous.refreshToken, refreshToken) ? previous.count + 1 : 1
    const until = isTerminal(error) ? Infinity : now + Math.min(ctx.settings.backoffCap, 1000 * 2 ** (count - 1))
    yield* remember(ctx.failures, id, { refreshToken, error, until, count })
  })

/** Sets the re-authorization gauge from the store (the truth across instances); never fails. */
const reportReauthorizations = (ctx: Source) =>
  ctx.metrics.reauthorizations(
    Effect.provideService(TokenStore.needingReauthorization(ctx.clientKey), TokenStore.TokenStore, ctx.cache.store)
  )

/**
 * Marks the creator as needing re-authorization (persisted in the store, so every instance
 * and the app's listing see it) and says so once in the log.
 */
const markReauthorization = (
  ctx: Source,
  key: TokenStore.Key,
  entry: TokenStore.StoredToken,
  code: number,
  reason: TokenStore.ReauthorizationReason,
  during: ReauthorizationEvent["during"]
) =>
  Effect.gen(function*() {
    if (entry.reauthorization !== undefined && entry.reauthorization.reason !== "scope-not-granted") return
    if (entry.reauthorization !== undefined && reason === "scope-not-granted") return
    const since = yield* Clock.currentTimeMillis
    yield* ctx.cache.store.set(key, { ...entry, reauthorization: { code, since, reason } })
    yield* Effect.logWarning("douyin creator must authorize the app again").pipe(
      Effect.annotateLogs({
        "douyin.open_id": key.openId,
        "douyin.code": code,
        "douyin.reason": reason,
        "douyin.client_key": key.clientKey
      })
    )
    yield* reportReauthorizations(ctx)
    yield* ctx.onReauthorization({ clientKey: key.clientKey, openId: key.openId, reason, code, during, at: since })
  })

/**
 * The entry after a successful refresh. A refresh does not extend the refresh token's own
 * life (https://developer.open-douyin.com/docs/resource/zh-CN/dop/develop/openapi/account-permission/refresh-access-token),
 * so its expiry is the earlier of the stored one and the one the answer implies: whichever way
 * Douyin counts `refresh_expires_in`, the renewal (`renewBefore`) and the re-authorization
 * listing are timed off the real expiry, never pushed out by a refresh.
 */
const refreshedEntry = (entry: TokenStore.StoredToken, fresh: OAuth.RefreshedToken, now: number): TokenStore.StoredToken => ({
  accessToken: fresh.accessToken,
  expiresAt: now + Duration.toMillis(fresh.expiresIn),
  refreshToken: fresh.refreshToken,
  refreshExpiresAt: Option.match(fresh.refreshExpiresIn, {
    onNone: () => entry.refreshExpiresAt,
    onSome: (d) => Math.min(entry.refreshExpiresAt, now + Duration.toMillis(d))
  }),
  scope: fresh.scope.length > 0 ? fresh.scope : entry.scope
})

/** One refresh request for the (re-read) entry; the result is stored only when it succeeded. */
const requestRefresh = (ctx: Source, key: TokenStore.Key, entry: TokenStore.StoredToken) =>
  Effect.gen(function*() {
    const fresh = yield* ctx.oauth.refreshToken(entry.refreshToken)
    if (Option.isSome(fresh.openId) && fresh.openId.value !== key.openId) {
      return yield* Effect.fail(
        new DouyinPermissionError(defined({
          endpoint: OAuth.EndpointIds.refreshToken,
          code: ErrorCode.Codes.openIdMismatch,
          description: "the refresh answered for another open_id; nothing stored",
          logId: Option.getOrUndefined(fresh.logId)
        }))
      )
    }
    const now = yield* Clock.currentTimeMillis
    yield* ctx.cache.store.set(key, refreshedEntry(entry, fresh, now))
    return fresh.accessToken
  })

/**
 * Refreshes the key's access token, unless `satisfied` finds the stored one good already.
 * Runs under the store's lease for the key (one refresh across every process), re-reads the
 * entry after taking it, and sends nothing while a failure of this refresh token is held.
 */
const refreshUnderLease = (
  ctx: Source,
  key: TokenStore.Key,
  satisfied: Effect.Effect<Option.Option<Redacted.Redacted<string>>, Failure>,
  trigger: DouyinMetrics.RefreshTrigger
): Effect.Effect<Redacted.Redacted<string>, Failure> => {
  const id = TokenStore.keyString(key)
  const refresh = Effect.gen(function*() {
    const entry = yield* load(ctx, key)
    const now = yield* Clock.currentTimeMillis
    const held = yield* heldFailure(ctx, id, entry.refreshToken, now)
    if (Option.isSome(held)) return yield* Effect.fail(held.value)
    if (now >= entry.refreshExpiresAt || entry.reauthorization?.code === ErrorCode.Codes.refreshTokenExpired) {
      // Marked once (a store write, a log line, the gauge, the event), so the expiry is seen
      // without a listing.
      const reason = entry.reauthorization?.code === ErrorCode.Codes.refreshTokenExpired
        ? TokenStore.reasonOf(entry.reauthorization)
        : "refresh-token-expired"
      yield* Effect.ignore(markReauthorization(ctx, key, entry, ErrorCode.Codes.refreshTokenExpired, reason, "refresh"))
      return yield* Effect.fail(authorizeAgain(reason))
    }
    return yield* ctx.metrics.tokenRefresh(trigger, requestRefresh(ctx, key, entry)).pipe(
      Effect.tap(() => forget(ctx.failures, id)),
      // A 10010 before the known expiry: the authorization was revoked.
      Effect.mapError((error): Failure =>
        error._tag === "DouyinAuthError" && error.code === ErrorCode.Codes.refreshTokenExpired
          ? new DouyinAuthError({ ...error, reason: refusalReason(error.code, entry, now) })
          : error
      ),
      Effect.tapError((error) =>
        Effect.zipRight(
          holdFailure(ctx, id, entry.refreshToken, error),
          error._tag === "DouyinAuthError" && error.code === ErrorCode.Codes.refreshTokenExpired
            ? Effect.ignore(
              markReauthorization(ctx, key, entry, error.code, refusalReason(error.code, entry, now), "refresh")
            )
            : Effect.void
        )
      )
    )
  })
  const underLease = Effect.flatMap(satisfied, Option.match({ onSome: Effect.succeed, onNone: () => refresh }))
  return ctx.cache.store.withLease(key, ctx.settings.leaseTtl, underLease).pipe(
    Effect.withSpan("AccessToken.refresh", { attributes: { "douyin.client_key": ctx.clientKey } })
  )
}

/** Renews the refresh token when it is due; a failure never fails the call that noticed. */
const renewIfDue = (ctx: Source, key: TokenStore.Key, entry: TokenStore.StoredToken, now: number) => {
  if (!renewalDue(ctx, entry, now)) return Effect.void
  const id = `${TokenStore.keyString(key)}/renew`
  const renew = Effect.gen(function*() {
    const current = yield* load(ctx, key)
    const at = yield* Clock.currentTimeMillis
    if (!renewalDue(ctx, current, at) || Option.isSome(yield* heldFailure(ctx, id, current.refreshToken, at))) return
    yield* ctx.oauth.renewRefreshToken(current.refreshToken).pipe(
      Effect.flatMap((renewed) =>
        Effect.flatMap(Clock.currentTimeMillis, (t) =>
          ctx.cache.store.set(key, {
            ...current,
            refreshToken: renewed.refreshToken,
            refreshExpiresAt: t + Duration.toMillis(renewed.expiresIn)
          }))
      ),
      Effect.tapError((error) =>
        Effect.zipRight(
          holdFailure(ctx, id, current.refreshToken, error),
          "code" in error && reauthorizationCodes.has(error.code)
            ? markReauthorization(ctx, key, current, error.code, refusalReason(error.code, current, at), "renewal")
            : Effect.logWarning(`douyin refresh-token renewal failed; retried later: ${error.message}`)
        )
      )
    )
  })
  return ctx.flights.run(id, Effect.succeedNone, ctx.cache.store.withLease(key, ctx.settings.leaseTtl, renew)).pipe(Effect.ignore)
}

/**
 * `get`: the stored token while it is fresh; inside the `refreshBefore` window a refresh
 * first (proactive). If that fails while the token is still valid, the token is used, and no
 * new attempt is made while the failure is held.
 */
const getToken = (ctx: Source) => (openId: string): Effect.Effect<Redacted.Redacted<string>, Failure> =>
  Effect.gen(function*() {
    const key = keyOf(ctx, openId)
    const entry = yield* load(ctx, key)
    const now = yield* Clock.currentTimeMillis
    yield* renewIfDue(ctx, key, entry, now)
    if (isFresh(ctx, entry, now)) return entry.accessToken
    const id = TokenStore.keyString(key)
    if (now < entry.expiresAt && Option.isSome(yield* heldFailure(ctx, id, entry.refreshToken, now))) {
      return entry.accessToken
    }
    const satisfied = Effect.flatMap(load(ctx, key), (current) =>
      Effect.map(Clock.currentTimeMillis, (t) => isFresh(ctx, current, t) ? Option.some(current.accessToken) : Option.none()))
    return yield* ctx.flights.run(id, satisfied, refreshUnderLease(ctx, key, satisfied, "proactive")).pipe(
      Effect.catchAll((error) =>
        // A failed proactive refresh leaves the stored token; use it while it is valid.
        Effect.gen(function*() {
          const current = yield* ctx.cache.store.get(key)
          const t = yield* Clock.currentTimeMillis
          if (Option.isSome(current) && t < current.value.expiresAt) {
            yield* Effect.logWarning(`douyin token refresh failed; the current token is used until it expires: ${error.message}`)
            return current.value.accessToken
          }
          return yield* Effect.fail(error)
        })
      )
    )
  })

/**
 * `refresh` (reactive, asked once by the client after an expired-token code): the stored
 * token without a request when it differs from `stale` (someone refreshed already) or when
 * `stale` was refreshed within `reuseWindow`; else one refresh shared by every caller.
 */
const refreshToken = (ctx: Source) => (openId: string, stale: Redacted.Redacted<string>) => {
  const key = keyOf(ctx, openId)
  const id = TokenStore.keyString(key)
  const satisfied = Effect.gen(function*() {
    const current = yield* load(ctx, key)
    if (!sameSecret(current.accessToken, stale)) return Option.some(current.accessToken)
    const last = (yield* Ref.get(ctx.lastRefresh)).get(id)
    const now = yield* Clock.currentTimeMillis
    return last !== undefined && sameSecret(last.from, stale) && now - last.at < ctx.settings.reuseWindow
      ? Option.some(current.accessToken)
      : Option.none()
  })
  const refreshed = refreshUnderLease(ctx, key, satisfied, "reactive").pipe(
    Effect.tap(() => Effect.flatMap(Clock.currentTimeMillis, (at) => remember(ctx.lastRefresh, id, { from: stale, at })))
  )
  // Douyin rejected a token of this key: nothing kept in memory is handed out for it until
  // the store has been read again (by this refresh, or by the next `get` if it fails first).
  const forgetKept = Effect.sync(() => ctx.cache.forget(key))
  return Effect.zipRight(forgetKept, Effect.asSome(ctx.flights.run(id, satisfied, refreshed)))
}

/**
 * Builds the store-backed token source for the `OAuth` app's `client_key`.
 *
 * Rules (each covered by `test/AccessTokenStore.test.ts` and the loopback rows in
 * `test/tokens.test.ts` and `test/instances.test.ts` at the repository root):
 * 1. `get` answers from the store while the token is outside the `refreshBefore` window;
 *    inside it, it refreshes first (proactive). If that refresh fails while the token is still
 *    valid, the stored token is used.
 * 2. `refresh(openId, stale)` (reactive, asked once by the client after an expired-token code)
 *    returns the stored token without a request when it differs from `stale` (someone refreshed
 *    already) or when `stale` was refreshed within `reuseWindow`.
 * 3. At most one refresh per `client_key` + `open_id` runs at a time: in the process
 *    (single-flight, concurrent callers share its result, success or failure) and across
 *    processes sharing the store (its lease; the entry is re-read once the lease is taken).
 * 4. The new token is written to the store only after the refresh succeeded; a failed refresh
 *    leaves the stored token as it was.
 * 5. A transient failure is held for a doubling backoff (1 s up to `retryAfterFailure`): no
 *    request for that key meanwhile. A terminal failure (any Douyin code except busy: 10010,
 *    10020, 2190015…) is held for that refresh token until a new one is stored.
 * 6. An expired refresh token (by the stored expiry) fails with 10010 without a request; a
 *    refresh answered for another `open_id` fails with 2190015 and stores nothing.
 * 7. The refresh token is renewed ahead of its expiry (`renewRefreshToken`, `renewBefore`);
 *    10004 / 10020 / 10010 on renewal, or 10010 on refresh, mark the creator as needing
 *    re-authorization (`TokenStore.needingReauthorization`), logged once with the open_id.
 * 8. A `TokenStore` failure is the call's `DouyinStoreError`; nothing is sent.
 * 9. An entry read from or written to the store is kept in memory for `cacheFor`: while it is
 *    fresh by rule 1 and no renewal is due, `get` and `peek` answer from it without the store.
 *    A reactive refresh drops it and reads the store; failures are never kept.
 *
 * @since 0.1.0
 * @category constructors
 */
export const makeStore = (
  options: StoreOptions = {}
): Effect.Effect<StoreService, ConfigError, TokenStore.TokenStore | OAuth.OAuth | Scope.Scope> =>
  Effect.gen(function*() {
    yield* checkStoreOptions(options)
    const oauth = yield* OAuth.OAuth
    const settings = settingsOf(options)
    // The layer's clock, for `peek` (synchronous: it cannot ask the calling fiber).
    const clock = yield* Effect.clock
    const cache = TokenCache.make(yield* TokenStore.TokenStore, settings.cacheFor, clock)
    const ctx: Source = {
      cache,
      oauth,
      flights: yield* singleFlight.make,
      settings,
      clientKey: oauth.clientKey,
      lastRefresh: yield* Ref.make<ReadonlyMap<string, { readonly from: Redacted.Redacted<string>; readonly at: number }>>(new Map()),
      failures: yield* Ref.make<ReadonlyMap<string, HeldFailure>>(new Map()),
      metrics: yield* DouyinMetrics.recorder,
      onReauthorization: (event) =>
        options.onReauthorization === undefined ? Effect.void : Effect.ignore(Effect.suspend(() => options.onReauthorization!(event)))
    }
    // The gauge starts from what the store knows (in the background: a slow store delays nothing).
    yield* Effect.forkScoped(reportReauthorizations(ctx))
    const get = getToken(ctx)
    const refresh = refreshToken(ctx)
    const peek = peekToken(ctx, clock)
    return {
      get: (openId) =>
        Effect.suspend(() => {
          const known = peek(openId)
          return known !== undefined ? Effect.succeed(known) : Effect.mapError(get(openId), toCallError)
        }),
      refresh: (openId, stale) => Effect.mapError(refresh(openId, stale), toCallError),
      peek,
      scopeNotGranted: (openId) => {
        const key = keyOf(ctx, openId)
        return Effect.flatMap(ctx.cache.store.get(key), (entry) =>
          Option.isSome(entry)
            ? markReauthorization(ctx, key, entry.value, ErrorCode.Codes.scopeNotGranted, "scope-not-granted", "call")
            : Effect.void).pipe(Effect.ignore)
      }
    }
  })

/**
 * Tokens from a `TokenStore`, refreshed through `OAuth` (see {@link makeStore} for the rules).
 * Put tokens into the store with `TokenStore.authorize(code)` after the user authorized.
 *
 * @example
 * ```ts
 * import { AccessToken, DouyinClient, DouyinConfig, OAuth, TokenStore } from "@effect-douyin/core"
 * import { FetchHttpClient } from "@effect/platform"
 * import { Layer } from "effect"
 *
 * const Client = DouyinClient.layer.pipe(
 *   Layer.provide(AccessToken.layerStore({ refreshBefore: "10 minutes" })),
 *   Layer.provideMerge(TokenStore.layerMemory()),
 *   Layer.provideMerge(OAuth.layerConfig()),
 *   Layer.provideMerge(DouyinConfig.layer()),
 *   Layer.provideMerge(FetchHttpClient.layer)
 * )
 * ```
 *
 * @since 0.1.0
 * @category layers
 */
export const layerStore = (
  options: StoreOptions = {}
): Layer.Layer<AccessToken, ConfigError, TokenStore.TokenStore | OAuth.OAuth> => Layer.scoped(AccessToken, makeStore(options))
