/**
 * What a token source is (`AccessToken.Service`) and what the store-backed one builds
 * (`AccessToken.StoreService`): defined here, once, and re-exported with their descriptions by
 * the public `AccessToken` module.
 */
import type * as Effect from "effect/Effect"
import type * as Option from "effect/Option"
import type * as Redacted from "effect/Redacted"
import type { DouyinCommonError } from "../../DouyinError.js"
import type { StoreError } from "./errors.js"

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
