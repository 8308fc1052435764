/**
 * The store-backed token source's short memory of what it read from or wrote to its
 * `TokenStore`, so that a `get` soon after answers without the store (a file read and a
 * decrypt, or a Redis round trip, per call otherwise) and synchronously (no call timeout to
 * fork around it).
 *
 * The source reads and writes through {@link TokenCache.store}: every entry read is kept for
 * `cacheFor` from the moment the read started, every entry written from the moment it was
 * written; a key found empty, or a write or removal that failed, is forgotten. A read that
 * overlapped a write of the same key keeps nothing, so a slow read can never put back the
 * entry a refresh has just replaced. Deciding whether a kept entry may be used (fresh, no
 * renewal due) is the source's business, not the cache's.
 *
 * State lives in the value `make` returns (one per layer): nothing at module level.
 */
import type * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as TokenStore from "../TokenStore.js"

export interface TokenCache {
  /** The entry of `key` read or written less than `cacheFor` before `now`, if any. */
  readonly recent: (key: TokenStore.Key, now: number) => TokenStore.StoredToken | undefined
  /** Drops what is kept for `key` (the next `get` reads the store). */
  readonly forget: (key: TokenStore.Key) => void
  /** The store, read and written through this cache. */
  readonly store: TokenStore.Service
}

interface Kept {
  readonly entry: TokenStore.StoredToken
  readonly until: number
}

/** No cache: `cacheFor` ≤ 0. */
const disabled = (store: TokenStore.Service): TokenCache => ({
  recent: () => undefined,
  forget: () => {},
  store
})

export const make = (store: TokenStore.Service, cacheForMillis: number, clock: Clock.Clock): TokenCache => {
  if (!(cacheForMillis > 0)) return disabled(store)
  const kept = new Map<string, Kept>()
  // Writes started per key: a read keeps its entry only if no write of the key began meanwhile.
  const writes = new Map<string, number>()

  const keep = (id: string, entry: Option.Option<TokenStore.StoredToken>, since: number) => {
    if (Option.isSome(entry)) kept.set(id, { entry: entry.value, until: since + cacheForMillis })
    else kept.delete(id)
  }

  const bump = (id: string) => writes.set(id, (writes.get(id) ?? 0) + 1)

  // A write (or removal) through the cache: what the store holds is unknown while it runs and
  // after it failed; once it succeeded it is `after`. Counted at its start and at its end, so
  // a read overlapping any part of it keeps nothing.
  const write = <E>(key: TokenStore.Key, run: Effect.Effect<void, E>, after: Option.Option<TokenStore.StoredToken>) =>
    Effect.suspend(() => {
      const id = TokenStore.keyString(key)
      bump(id)
      kept.delete(id)
      return Effect.onExit(run, (exit) =>
        Effect.sync(() => {
          bump(id)
          if (exit._tag === "Success") keep(id, after, clock.unsafeCurrentTimeMillis())
        }))
    })

  return {
    recent: (key, now) => {
      const found = kept.get(TokenStore.keyString(key))
      return found !== undefined && now < found.until ? found.entry : undefined
    },
    forget: (key) => void kept.delete(TokenStore.keyString(key)),
    store: {
      ...store,
      get: (key) =>
        Effect.suspend(() => {
          const id = TokenStore.keyString(key)
          const before = writes.get(id)
          const since = clock.unsafeCurrentTimeMillis()
          return Effect.tap(store.get(key), (entry) => {
            if (writes.get(id) === before) keep(id, entry, since)
          })
        }),
      set: (key, token) => write(key, store.set(key, token), Option.some(token)),
      remove: (key) => write(key, store.remove(key), Option.none())
    }
  }
}
