/**
 * What one store-backed token source remembers (its `TokenStore` through the short cache, the
 * last reactive refresh, the failures held per key) and the small steps on it: reading an
 * entry, deciding freshness and renewal, holding failures, marking a creator for
 * re-authorization. State lives in the {@link Source} each layer builds: nothing at module level.
 */
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as Ref from "effect/Ref"
import type * as DouyinMetrics from "../../DouyinMetrics.js"
import type * as OAuth from "../../OAuth.js"
import * as TokenStore from "../../TokenStore.js"
import type * as singleFlight from "../singleFlight.js"
import type * as TokenCache from "../tokenCache.js"
import { authorizeFirst, type Failure, isTerminal } from "./errors.js"
import type { ReauthorizationEvent, Settings } from "./options.js"

/** A failed refresh or renewal of one key, held against the refresh token it was sent with. */
export interface HeldFailure {
  readonly refreshToken: Redacted.Redacted<string>
  readonly error: Failure
  /** Until when no new request is sent (Infinity: a terminal failure). */
  readonly until: number
  /** Consecutive transient failures, for the doubling backoff. */
  readonly count: number
}

export type Memo<V> = Ref.Ref<ReadonlyMap<string, V>>

/** What one store source remembers per key (in the layer: nothing at module level). */
export interface Source {
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

export const remember = <V>(memo: Memo<V>, id: string, value: V) => Ref.update(memo, (m) => new Map(m).set(id, value))
export const forget = <V>(memo: Memo<V>, id: string) =>
  Ref.update(memo, (m) => {
    if (!m.has(id)) return m
    const next = new Map(m)
    next.delete(id)
    return next
  })

export const sameSecret = (a: Redacted.Redacted<string>, b: Redacted.Redacted<string>) => Redacted.value(a) === Redacted.value(b)

export const load = (ctx: Source, key: TokenStore.Key) =>
  Effect.flatMap(ctx.cache.store.get(key), Option.match({ onNone: () => Effect.fail(authorizeFirst), onSome: Effect.succeed }))

/** The store key of `openId` for this source's app. */
export const keyOf = (ctx: Source, openId: string): TokenStore.Key => ({ clientKey: ctx.clientKey, openId })

export const isFresh = (ctx: Source, entry: TokenStore.StoredToken, now: number) => now < entry.expiresAt - ctx.settings.refreshBefore

/** The refresh token should be renewed now. */
export const renewalDue = (ctx: Source, entry: TokenStore.StoredToken, now: number) =>
  ctx.settings.renew && (entry.reauthorization === undefined || entry.reauthorization.reason === "scope-not-granted") &&
  now < entry.refreshExpiresAt &&
  entry.refreshExpiresAt - now < ctx.settings.renewBefore

/**
 * The kept token of `openId` when `get` would return it from the store without more work:
 * read moments ago, fresh, no renewal due. Synchronous, on the layer's clock.
 */
export const peekToken = (ctx: Source, clock: Clock.Clock) => (openId: string): Redacted.Redacted<string> | undefined => {
  const now = clock.unsafeCurrentTimeMillis()
  const entry = ctx.cache.recent(keyOf(ctx, openId), now)
  return entry !== undefined && isFresh(ctx, entry, now) && !renewalDue(ctx, entry, now) ? entry.accessToken : undefined
}

/** The failure still held for this refresh token, if any. */
export const heldFailure = (ctx: Source, id: string, refreshToken: Redacted.Redacted<string>, now: number) =>
  Effect.map(Ref.get(ctx.failures), (m) => {
    const held = m.get(id)
    return held !== undefined && sameSecret(held.refreshToken, refreshToken) && now < held.until
      ? Option.some(held.error)
      : Option.none()
  })

/** Holds `error` off for this key: for good if terminal, else for a doubling backoff. */
export const holdFailure = (ctx: Source, id: string, refreshToken: Redacted.Redacted<string>, error: Failure) =>
  Effect.gen(function*() {
    const now = yield* Clock.currentTimeMillis
    const previous = (yield* Ref.get(ctx.failures)).get(id)
    const count = previous !== undefined && sameSecret(previous.refreshToken, refreshToken) ? previous.count + 1 : 1
    const until = isTerminal(error) ? Infinity : now + Math.min(ctx.settings.backoffCap, 1000 * 2 ** (count - 1))
    yield* remember(ctx.failures, id, { refreshToken, error, until, count })
  })

/** Sets the re-authorization gauge from the store (the truth across instances); never fails. */
export const reportReauthorizations = (ctx: Source) =>
  ctx.metrics.reauthorizations(
    Effect.provideService(TokenStore.needingReauthorization(ctx.clientKey), TokenStore.TokenStore, ctx.cache.store)
  )

/**
 * Marks the creator as needing re-authorization (persisted in the store, so every instance
 * and the app's listing see it) and says so once in the log.
 */
export const markReauthorization = (
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
