/**
 * Where user tokens live between calls: one entry per app and operator, keyed by
 * `client_key` + `open_id` (so one creator's token can never be read for another, nor one
 * app's for another app). `AccessToken.layerStore` reads it, refreshes through `OAuth` under
 * the store's lease and writes back only after a refresh succeeded.
 *
 * Three stores pass one contract suite:
 * - {@link layerMemory}: in the layer, for tests and short-lived programs;
 * - {@link layerFile} / {@link layerFileConfig}: the embedded default for one instance, a
 *   directory of files (atomic writes, mode 0600) that survives restarts;
 * - `TokenStoreRedis.layer` (`@effect-douyin/core/TokenStoreRedis`): for many instances of one
 *   app sharing tokens through Redis.
 *
 * File and Redis entries are Schema-encoded with a version field, name the key they were written
 * for (an entry copied to another `open_id` or app is refused), and can be encrypted at rest
 * (AES-256-GCM, {@link Encryption}). Every operation fails with a typed {@link TokenStoreError},
 * never a defect; a listing reports each entry it cannot read as an {@link UnreadableEntry} and
 * goes on.
 *
 * @example
 * ```ts
 * import { OAuth, TokenStore } from "@effect-douyin/core"
 * import { NodeContext } from "@effect/platform-node"
 * import { Layer } from "effect"
 *
 * // The embedded default: tokens in ./.douyin-tokens, kept across restarts.
 * const Tokens = TokenStore.layerFile({ directory: ".douyin-tokens" }).pipe(Layer.provide(NodeContext.layer))
 *
 * // After the user authorized: exchange the code and keep the tokens.
 * const onRedirect = (code: string) => TokenStore.authorize(code) // Effect<OAuth.UserToken, …, OAuth | TokenStore>
 * ```
 *
 * @since 0.1.0
 */
import type * as FileSystem from "@effect/platform/FileSystem"
import type * as Path from "@effect/platform/Path"
import * as Clock from "effect/Clock"
import * as Config from "effect/Config"
import * as Context from "effect/Context"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import type * as Redacted from "effect/Redacted"
import * as Ref from "effect/Ref"
import * as Schema from "effect/Schema"
import type { ConfigError } from "effect/ConfigError"
import * as ConfigCheck from "./ConfigCheck.js"
import type * as DouyinError from "./DouyinError.js"
import * as DouyinMetrics from "./DouyinMetrics.js"
import * as ErrorCode from "./ErrorCode.js"
import * as fileBackend from "./internal/fileBackend.js"
import { type Backend, type Key, type Listed, StoreFailure } from "./internal/storeBackend.js"
import * as tokenEntry from "./internal/tokenEntry.js"
import type { Reauthorization, StoredToken } from "./internal/tokenEntry.js"
import * as OAuth from "./OAuth.js"

export type {
  /**
   * @since 0.1.0
   * @category models
   */
  Key
} from "./internal/storeBackend.js"

export type {
  /**
   * Why a creator must authorize the app again: the Douyin code (10010 refresh token expired,
   * 10004 no permission to renew it, 10020 renewals used up, 2190003 scope not granted), since
   * when (epoch ms), and the reason a program matches on.
   *
   * @since 0.2.0
   * @category models
   */
  Reauthorization,
  /**
   * What the store keeps for one key. Times are epoch milliseconds (from `Clock`).
   *
   * @since 0.1.0
   * @category models
   */
  StoredToken
} from "./internal/tokenEntry.js"

/**
 * The reasons a creator must authorize again (see `DouyinError.ReauthorizationReason`).
 *
 * @since 0.4.0
 * @category models
 */
export type ReauthorizationReason = DouyinError.ReauthorizationReason

/**
 * The reason of a mark: its own, or the one its code implies (2190003 `scope-not-granted`,
 * 10004 / 10020 `renewal-refused`, else `refresh-token-expired`).
 *
 * @since 0.4.0
 * @category utils
 */
export const reasonOf = (mark: Reauthorization): ReauthorizationReason =>
  mark.reason ??
    (mark.code === ErrorCode.Codes.scopeNotGranted
      ? "scope-not-granted"
      : mark.code === ErrorCode.Codes.oauthNoPermission || mark.code === ErrorCode.Codes.renewLimitExceeded
      ? "renewal-refused"
      : "refresh-token-expired")

/**
 * A store operation failed: Redis unreachable, the directory read-only or full, an entry that
 * does not decrypt with the configured keys, or one this release cannot read. Never carries
 * a token.
 *
 * @since 0.2.0
 * @category errors
 */
export class TokenStoreError extends Schema.TaggedError<TokenStoreError>()("TokenStoreError", {
  /** `memory`, `file`, `redis`, or the name of a custom store. */
  store: Schema.String,
  /** `read`, `write`, `remove`, `list`, `lease`, `decode`… */
  operation: Schema.String,
  description: Schema.String
}) {
  override get message() {
    return `${this.store} token store ${this.operation} failed: ${this.description}`
  }
}

/**
 * One stored entry a listing could not read; the listing reports it and goes on. Never carries
 * a token. Match on `reason`:
 * - `name`: a file in the token directory whose name this store does not write (a stray file);
 *   `openId` is absent;
 * - `read`: the entry exists but could not be read (e.g. a directory or an unreadable file);
 * - `decode`: not a token entry this release reads (corrupt, newer version, or a sealed entry
 *   the configured keys do not open);
 * - `foreign`: an entry written for another `client_key` + `open_id` (copied or renamed).
 *
 * @since 0.3.0
 * @category errors
 */
export class UnreadableEntry extends Schema.TaggedError<UnreadableEntry>()("TokenStoreUnreadableEntry", {
  /** `file`, `redis`, or the name of a custom store. */
  store: Schema.String,
  /** The entry as the store names it: a file name, or the open_id in Redis' index. */
  entry: Schema.String,
  /** The open_id the entry is stored under, when its name says it. */
  openId: Schema.optional(Schema.String),
  reason: Schema.Literal("name", "read", "decode", "foreign"),
  description: Schema.String
}) {
  override get message() {
    return `${this.store} token store entry ${JSON.stringify(this.entry)} unreadable (${this.reason}): ${this.description}`
  }
}

/**
 * What {@link Service.list} returns: the entries it read, and each one it could not read.
 *
 * @example
 * ```ts
 * import { TokenStore } from "@effect-douyin/core"
 * import { Effect } from "effect"
 *
 * const audit = Effect.gen(function*() {
 *   const { entries, unreadable } = yield* (yield* TokenStore.TokenStore).list("my_client_key")
 *   for (const failure of unreadable) {
 *     if (failure.reason === "foreign") yield* Effect.logError(`token entry ${failure.entry} belongs to another creator`)
 *   }
 *   return entries.length
 * })
 * ```
 *
 * @since 0.3.0
 * @category models
 */
export interface Listing {
  readonly entries: ReadonlyArray<readonly [Key, StoredToken]>
  readonly unreadable: ReadonlyArray<UnreadableEntry>
}

/**
 * @since 0.1.0
 * @category models
 */
export interface Service {
  /** Which store this is, for errors and logs (`memory`, `file`, `redis`). */
  readonly name: string
  readonly get: (key: Key) => Effect.Effect<Option.Option<StoredToken>, TokenStoreError>
  /** Replaces the entry at once: a concurrent reader sees the old or the new one. */
  readonly set: (key: Key, token: StoredToken) => Effect.Effect<void, TokenStoreError>
  readonly remove: (key: Key) => Effect.Effect<void, TokenStoreError>
  /**
   * The stored entries of one app, and each entry that could not be read (typed, per entry: one
   * bad entry never hides the others). Fails only when the app's entries cannot be listed at all.
   */
  readonly list: (clientKey: string) => Effect.Effect<Listing, TokenStoreError>
  /**
   * Runs `effect` holding the key's lease, exclusive across every process sharing the store:
   * waits while another holder has it; a holder that crashed loses it after `ttl`. The work
   * is bounded by `ttl` too. The token refresh runs under it (re-read, refresh, write).
   */
  readonly withLease: <A, E, R>(
    key: Key,
    ttl: Duration.Duration,
    effect: Effect.Effect<A, E, R>
  ) => Effect.Effect<A, E | TokenStoreError, R>
}

/**
 * @since 0.1.0
 * @category tags
 */
export class TokenStore extends Context.Tag("@effect-douyin/core/TokenStore")<TokenStore, Service>() {}

/**
 * The store's key as one string: unambiguous for any `client_key` and `open_id`.
 *
 * @since 0.1.0
 * @category utils
 */
export const keyString = (key: Key): string => JSON.stringify([key.clientKey, key.openId])

// ---------------------------------------------------------------------------------------------
// memory

/**
 * An in-memory store whose state lives in the returned service (nothing at module level).
 * Its lease is a per-key semaphore: exclusive within the process.
 *
 * @since 0.1.0
 * @category constructors
 */
export const makeMemory = (
  initial: Iterable<readonly [Key, StoredToken]> = []
): Effect.Effect<Service> =>
  Effect.gen(function*() {
    const ref = yield* Ref.make<ReadonlyMap<string, readonly [Key, StoredToken]>>(
      new Map([...initial].map(([k, v]) => [keyString(k), [k, v] as const]))
    )
    const leases = yield* Ref.make<ReadonlyMap<string, Effect.Semaphore>>(new Map())
    const semaphoreOf = (id: string) =>
      Effect.flatMap(Effect.makeSemaphore(1), (fresh) =>
        Ref.modify(leases, (m) => {
          const known = m.get(id)
          return known !== undefined ? [known, m] : [fresh, new Map(m).set(id, fresh)]
        }))
    return {
      name: "memory",
      get: (key) => Effect.map(Ref.get(ref), (m) => Option.fromNullable(m.get(keyString(key))?.[1])),
      set: (key, token) => Ref.update(ref, (m) => new Map(m).set(keyString(key), [key, token])),
      remove: (key) =>
        Ref.update(ref, (m) => {
          const next = new Map(m)
          next.delete(keyString(key))
          return next
        }),
      list: (clientKey) =>
        Effect.map(Ref.get(ref), (m) => ({
          entries: [...m.values()].filter(([k]) => k.clientKey === clientKey),
          unreadable: []
        })),
      withLease: (key, _ttl, effect) => Effect.flatMap(semaphoreOf(keyString(key)), (s) => s.withPermits(1)(effect))
    }
  })

/**
 * An in-memory store, optionally seeded with entries.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerMemory = (initial: Iterable<readonly [Key, StoredToken]> = []): Layer.Layer<TokenStore> =>
  Layer.effect(TokenStore, makeMemory(initial))

// ---------------------------------------------------------------------------------------------
// encoded stores (file, Redis)

/**
 * Encryption at rest for the file and Redis stores: AES-256-GCM with the first key; entries
 * written with any listed key still open, so keys rotate by putting the new key first. Each
 * key is 32 random bytes in base64 (e.g. `openssl rand -base64 32`) with an id that is stored
 * next to the ciphertext. A wrong or missing key is a {@link TokenStoreError}, never a defect.
 *
 * @since 0.2.0
 * @category models
 */
export interface Encryption {
  /** The key material as a plain string or `Redacted` alike (it is never logged or stored). */
  readonly keys: ReadonlyArray<{ readonly id: string; readonly key: string | Redacted.Redacted<string> }>
}

/**
 * Encryption from config: the current key `DOUYIN_TOKEN_KEY` (redacted, base64 of 32 bytes)
 * with id `DOUYIN_TOKEN_KEY_ID` (default `1`), and optionally the previous key
 * `DOUYIN_TOKEN_PREVIOUS_KEY` / `DOUYIN_TOKEN_PREVIOUS_KEY_ID` during a rotation.
 *
 * @since 0.2.0
 * @category config
 */
export const encryptionConfig: Config.Config<Encryption> = Config.all({
  current: Config.all({
    id: Config.withDefault(Config.nonEmptyString("DOUYIN_TOKEN_KEY_ID"), "1"),
    key: Config.redacted("DOUYIN_TOKEN_KEY")
  }),
  previous: Config.option(Config.all({
    id: Config.nonEmptyString("DOUYIN_TOKEN_PREVIOUS_KEY_ID"),
    key: Config.redacted("DOUYIN_TOKEN_PREVIOUS_KEY")
  }))
}).pipe(Config.map(({ current, previous }) => ({ keys: [current, ...Option.toArray(previous)] })))

const storeError = (store: string) => (failure: StoreFailure) =>
  new TokenStoreError({ store, operation: failure.operation, description: failure.description })

const keyringOf = (store: string, encryption: Encryption | undefined) =>
  encryption === undefined
    ? Effect.succeed(Option.none<tokenEntry.Keyring>())
    : Either.match(tokenEntry.keyring(encryption.keys), {
      onLeft: (description) => Effect.fail(new TokenStoreError({ store, operation: "configure", description })),
      onRight: (ring) => Effect.succeed(Option.some(ring))
    })

/**
 * A store over stored text (Schema-encoded, versioned, optionally encrypted entries).
 * The building block of the file store here and of the Redis store (`TokenStoreRedis`, a module
 * of its own because it needs the optional peer `ioredis`).
 *
 * @since 0.2.0
 * @category constructors
 */
export const makeEncoded = (backend: Backend, encryption: Encryption | undefined): Effect.Effect<Service, TokenStoreError> =>
  Effect.map(keyringOf(backend.name, encryption), (ring): Service => {
    const fail = storeError(backend.name)
    const decode = (key: Key, text: string) =>
      Either.match(tokenEntry.decode(ring, key, text), {
        onLeft: ({ description }) => Effect.fail(new TokenStoreError({ store: backend.name, operation: "decode", description })),
        onRight: (token): Effect.Effect<StoredToken, TokenStoreError> => Effect.succeed(token)
      })
    const get = (key: Key) =>
      Effect.flatMap(
        Effect.mapError(backend.read(key), fail),
        Option.match({
          onNone: () => Effect.succeedNone,
          onSome: (text) => Effect.asSome(decode(key, text))
        })
      )
    const listing = (clientKey: string, listed: ReadonlyArray<Listed>): Listing => {
      const entries: Array<readonly [Key, StoredToken]> = []
      const unreadable: Array<UnreadableEntry> = []
      const refuse = (entry: string, openId: string | undefined, reason: UnreadableEntry["reason"], description: string) =>
        unreadable.push(new UnreadableEntry({ store: backend.name, entry, openId, reason, description }))
      for (const item of listed) {
        if (item._tag === "Unreadable") {
          refuse(item.entry, item.openId, item.reason, item.description)
          continue
        }
        const key = { clientKey, openId: item.openId }
        Either.match(tokenEntry.decode(ring, key, item.text), {
          onLeft: ({ description, reason }) => refuse(item.entry, item.openId, reason, description),
          onRight: (token) => entries.push([key, token])
        })
      }
      return { entries, unreadable }
    }
    return {
      name: backend.name,
      get,
      set: (key, token) => Effect.mapError(backend.write(key, tokenEntry.encode(ring, key, token)), fail),
      remove: (key) => Effect.mapError(backend.remove(key), fail),
      list: (clientKey) => Effect.map(Effect.mapError(backend.entries(clientKey), fail), (listed) => listing(clientKey, listed)),
      withLease: (key, ttl, effect) => Effect.mapError(backend.withLease(key, ttl, effect), (e) => e instanceof StoreFailure ? fail(e) : e)
    }
  })

/**
 * {@link encryptionConfig} when a key is configured, otherwise no encryption.
 *
 * @since 0.2.0
 * @category config
 */
export const optionalEncryption: Config.Config<Encryption | undefined> = ConfigCheck.optional(encryptionConfig)

/**
 * Options of {@link layerFile}.
 *
 * @since 0.2.0
 * @category models
 */
export interface FileOptions {
  /** The directory holding one file per entry; created (mode 0700) when missing. */
  readonly directory: string
  readonly encryption?: Encryption | undefined
}

/**
 * The embedded file store: one file per `client_key` + `open_id` in `directory`, written
 * atomically (temporary file, then rename) with mode 0600, so tokens survive a restart and
 * two processes of the app writing at once never leave a torn entry. Refresh leases are lock
 * files. Needs the platform's `FileSystem` and `Path` (e.g. `NodeContext.layer`).
 *
 * @since 0.2.0
 * @category constructors
 */
export const makeFile = (
  options: FileOptions
): Effect.Effect<Service, TokenStoreError, FileSystem.FileSystem | Path.Path> =>
  Effect.flatMap(
    Effect.mapError(fileBackend.make(options.directory), storeError("file")),
    (backend) => makeEncoded(backend, options.encryption)
  )

/**
 * The embedded file store as a layer (see {@link makeFile}).
 *
 * @example
 * ```ts
 * import { TokenStore } from "@effect-douyin/core"
 * import { NodeContext } from "@effect/platform-node"
 * import { Layer } from "effect"
 *
 * const Tokens = TokenStore.layerFile({ directory: "/var/lib/my-app/douyin-tokens" }).pipe(
 *   Layer.provide(NodeContext.layer)
 * )
 * ```
 *
 * @since 0.2.0
 * @category layers
 */
export const layerFile = (
  options: FileOptions
): Layer.Layer<TokenStore, TokenStoreError, FileSystem.FileSystem | Path.Path> => Layer.effect(TokenStore, makeFile(options))

/**
 * The file store's options from config: directory `DOUYIN_TOKEN_DIR` (default
 * `.douyin-tokens`), encrypted when `DOUYIN_TOKEN_KEY` is set (see {@link encryptionConfig}).
 *
 * @example
 * ```ts
 * import { TokenStore } from "@effect-douyin/core"
 * import { Config } from "effect"
 *
 * // the same keys, the directory below the app's own
 * const options = Config.map(TokenStore.fileConfig, (file) => ({ ...file, directory: `/var/lib/my-app/${file.directory}` }))
 * const Tokens = TokenStore.layerFileConfig(options)
 * ```
 *
 * @since 0.2.0
 * @category config
 */
export const fileConfig: Config.Config<FileOptions> = Config.all({
  directory: Config.withDefault(Config.string("DOUYIN_TOKEN_DIR"), ".douyin-tokens"),
  encryption: optionalEncryption
})

/**
 * The embedded file store from config ({@link fileConfig}: `DOUYIN_TOKEN_DIR`,
 * `DOUYIN_TOKEN_KEY`, …) unless another config is given.
 *
 * @since 0.2.0
 * @category layers
 */
export const layerFileConfig = (
  config: Config.Config<FileOptions> = fileConfig
): Layer.Layer<TokenStore, TokenStoreError | ConfigError, FileSystem.FileSystem | Path.Path> =>
  Layer.effect(TokenStore, Effect.flatMap(config, makeFile))

// ---------------------------------------------------------------------------------------------
// flows

/**
 * The entry for a freshly issued user token, with expiries counted from `receivedAt`
 * (epoch ms).
 *
 * @since 0.1.0
 * @category constructors
 */
export const fromUserToken = (token: OAuth.UserToken, receivedAt: number): StoredToken => ({
  accessToken: token.accessToken,
  expiresAt: receivedAt + Duration.toMillis(token.expiresIn),
  refreshToken: token.refreshToken,
  refreshExpiresAt: receivedAt + Duration.toMillis(token.refreshExpiresIn),
  scope: token.scope
})

/**
 * Exchanges an authorization code (POST `/oauth/access_token/`) and stores the tokens under
 * the app's `client_key` and the `open_id` Douyin returned (which clears any
 * re-authorization mark). Fails with the OAuth error and stores nothing when the exchange
 * fails; fails with {@link TokenStoreError} when the store cannot keep them.
 *
 * @since 0.1.0
 * @category flows
 */
export const authorize = (
  code: string | Redacted.Redacted<string>
): Effect.Effect<OAuth.UserToken, OAuth.OAuthError | TokenStoreError, OAuth.OAuth | TokenStore> =>
  Effect.gen(function*() {
    const oauth = yield* OAuth.OAuth
    const store = yield* TokenStore
    const token = yield* oauth.accessToken(code)
    const now = yield* Clock.currentTimeMillis
    const key = { clientKey: oauth.clientKey, openId: token.openId }
    const before = yield* Effect.orElseSucceed(store.get(key), () => Option.none())
    yield* store.set(key, fromUserToken(token, now))
    // A creator who had to authorize again just did: the gauge goes down.
    if (Option.isSome(before) && (before.value.reauthorization !== undefined || now >= before.value.refreshExpiresAt)) {
      const metrics = yield* DouyinMetrics.recorder
      yield* metrics.reauthorizations(Effect.provideService(needingReauthorization(oauth.clientKey), TokenStore, store))
    }
    return token
  })

const warnUnreadable = (unreadable: ReadonlyArray<UnreadableEntry>) =>
  Effect.forEach(unreadable, (failure) =>
    Effect.logWarning("douyin token store entry could not be read").pipe(
      Effect.annotateLogs({
        "douyin.token_store": failure.store,
        "douyin.token_entry": failure.entry,
        "douyin.reason": failure.reason,
        "douyin.description": failure.description
      })
    ), { discard: true })

/**
 * A creator of the app who must authorize it again before their refresh token runs out (or
 * since it did).
 *
 * @since 0.2.0
 * @category models
 */
export interface NeedsReauthorization {
  readonly openId: string
  /**
   * What a program matches on: `refresh-token-expired`, `revoked`, `scope-not-granted` or
   * `renewal-refused` (a creator who never authorized has no entry, so is never listed).
   */
  readonly reason: ReauthorizationReason
  /** 10010 expired or revoked, 10004 no renew permission, 10020 renewals used up, 2190003 scope. */
  readonly code: number
  /** Since when it is known (epoch ms). */
  readonly since: number
  /** When the refresh token expires (epoch ms): calls work until then. */
  readonly refreshExpiresAt: number
}

/**
 * The app's creators who must authorize again, each with its `reason`: marked by the token
 * source after Douyin refused to renew or refresh (10004, 10020: `renewal-refused`; 10010:
 * `refresh-token-expired`, or `revoked` when it came before the known expiry) or a call found
 * a scope not granted (2190003: `scope-not-granted`), or whose refresh token has expired.
 * Send them through the authorization flow again; `authorize` clears the mark. An entry the
 * store cannot read (see {@link UnreadableEntry}) is logged as a warning and left out: it never
 * fails the whole listing. Fails only when the store cannot list at all. Reads the store only
 * (no request to Douyin).
 *
 * Without an argument it lists the creators of the provided `OAuth` app (its `client_key`,
 * not asked for again); with one, those of that `client_key` (a program serving several apps,
 * or one without an `OAuth` layer).
 *
 * @example
 * ```ts
 * import { TokenStore } from "@effect-douyin/core"
 * import { Effect } from "effect"
 *
 * // the creators of the OAuth layer's app
 * const report = Effect.flatMap(TokenStore.needingReauthorization(), (creators) =>
 *   Effect.log(`re-authorize: ${creators.map((c) => c.openId).join(", ")}`))
 * // another app's, by its client_key
 * const other = TokenStore.needingReauthorization("other_client_key")
 * ```
 *
 * @since 0.2.0
 * @category flows
 */
export const needingReauthorization: {
  (): Effect.Effect<ReadonlyArray<NeedsReauthorization>, TokenStoreError, TokenStore | OAuth.OAuth>
  (clientKey: string): Effect.Effect<ReadonlyArray<NeedsReauthorization>, TokenStoreError, TokenStore>
} = (clientKey?: string): Effect.Effect<ReadonlyArray<NeedsReauthorization>, TokenStoreError, any> =>
  clientKey === undefined
    ? Effect.flatMap(OAuth.OAuth, (oauth) => listNeedingReauthorization(oauth.clientKey))
    : listNeedingReauthorization(clientKey)

const listNeedingReauthorization = (
  clientKey: string
): Effect.Effect<ReadonlyArray<NeedsReauthorization>, TokenStoreError, TokenStore> =>
  Effect.gen(function*() {
    const { entries, unreadable } = yield* (yield* TokenStore).list(clientKey)
    yield* warnUnreadable(unreadable)
    const now = yield* Clock.currentTimeMillis
    return entries.flatMap(([key, token]): Array<NeedsReauthorization> => {
      // An expired refresh token outranks a softer mark (renewal refused, a scope missing).
      const expired = now >= token.refreshExpiresAt &&
        (token.reauthorization === undefined || token.reauthorization.code !== ErrorCode.Codes.refreshTokenExpired)
      const mark: Reauthorization | undefined = expired
        ? { code: ErrorCode.Codes.refreshTokenExpired, since: token.refreshExpiresAt, reason: "refresh-token-expired" }
        : token.reauthorization
      return mark === undefined
        ? []
        : [{
          openId: key.openId,
          reason: reasonOf(mark),
          code: mark.code,
          since: mark.since,
          refreshExpiresAt: token.refreshExpiresAt
        }]
    })
  })
