/**
 * Builds the store-backed token source (`AccessToken.makeStore`, whose JSDoc states its rules):
 * checks the options, assembles the {@link Source} of one layer, and wires `get`, `refresh`,
 * `peek` and `scopeNotGranted` on it.
 */
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import type * as Redacted from "effect/Redacted"
import * as Ref from "effect/Ref"
import type { ConfigError } from "effect/ConfigError"
import type * as Scope from "effect/Scope"
import * as DouyinMetrics from "../../DouyinMetrics.js"
import * as ErrorCode from "../../ErrorCode.js"
import * as OAuth from "../../OAuth.js"
import * as TokenStore from "../../TokenStore.js"
import * as singleFlight from "../singleFlight.js"
import * as TokenCache from "../tokenCache.js"
import { toCallError } from "./errors.js"
import { checkStoreOptions, settingsOf, type StoreOptions } from "./options.js"
import { getToken, refreshToken } from "./refresh.js"
import type { StoreService } from "./service.js"
import { type HeldFailure, keyOf, markReauthorization, peekToken, reportReauthorizations, type Source } from "./source.js"

/** The store-backed source for the `OAuth` app's `client_key`. */
export const makeStore = (
  options: StoreOptions
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
