/**
 * The store-backed token source's refreshes: the proactive one inside `get`, the reactive one
 * asked after an expired-token code, and the renewal of the refresh token; each under the
 * store's lease for its key and single-flight in the process.
 */
import * as Clock from "effect/Clock"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import type * as Redacted from "effect/Redacted"
import * as Ref from "effect/Ref"
import { DouyinAuthError, DouyinPermissionError } from "../../DouyinError.js"
import type * as DouyinMetrics from "../../DouyinMetrics.js"
import * as ErrorCode from "../../ErrorCode.js"
import * as OAuth from "../../OAuth.js"
import * as TokenStore from "../../TokenStore.js"
import { defined } from "../defined.js"
import { authorizeAgain, type Failure, reauthorizationCodes, refusalReason } from "./errors.js"
import {
  forget,
  heldFailure,
  holdFailure,
  isFresh,
  keyOf,
  load,
  markReauthorization,
  remember,
  renewalDue,
  sameSecret,
  type Source
} from "./source.js"

/**
 * The entry after a successful refresh. A refresh does not extend the refresh token's own
 * life (https://developer.open-douyin.com/docs/resource/zh-CN/dop/develop/openapi/account-permission/refresh-access-token),
 * so its expiry is the earlier of the stored one and the one the answer implies: whichever way
 * Douyin counts `refresh_expires_in`, the renewal (`renewBefore`) and the re-authorization
 * listing are timed off the real expiry, never pushed out by a refresh.
 */
export const refreshedEntry = (entry: TokenStore.StoredToken, fresh: OAuth.UserToken, now: number): TokenStore.StoredToken => ({
  accessToken: fresh.accessToken,
  expiresAt: now + Duration.toMillis(fresh.expiresIn),
  refreshToken: fresh.refreshToken,
  refreshExpiresAt: Math.min(entry.refreshExpiresAt, now + Duration.toMillis(fresh.refreshExpiresIn)),
  scope: fresh.scope.length > 0 ? fresh.scope : entry.scope
})

/** One refresh request for the (re-read) entry; the result is stored only when it succeeded. */
export const requestRefresh = (ctx: Source, key: TokenStore.Key, entry: TokenStore.StoredToken) =>
  Effect.gen(function*() {
    const fresh = yield* ctx.oauth.refreshToken(entry.refreshToken)
    // The answer names the creator it is for: another one's tokens are never stored here.
    if (fresh.openId !== key.openId) {
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
export const refreshUnderLease = (
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
export const renewIfDue = (ctx: Source, key: TokenStore.Key, entry: TokenStore.StoredToken, now: number) => {
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
export const getToken = (ctx: Source) => (openId: string): Effect.Effect<Redacted.Redacted<string>, Failure> =>
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
export const refreshToken = (ctx: Source) => (openId: string, stale: Redacted.Redacted<string>) => {
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
