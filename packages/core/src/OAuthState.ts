/**
 * The `state` that guards the OAuth callback (CSRF): unguessable, single use, expiring, and
 * able to carry the app's own context (which tenant or user started the flow).
 *
 * A state is signed, not stored: `v1.<payload>.<mac>` where the payload holds the app's
 * `client_key`, a random nonce, the expiry and the context, and the MAC is HMAC-SHA256 with
 * the app's state key (`DOUYIN_STATE_KEY`, kept `Redacted`). Issuing writes nothing. Checking
 * it on the callback consumes its nonce in a {@link NonceStore} (memory, a directory, or Redis
 * with `OAuthStateRedis`), so a state works once, on whichever instance the creator comes back
 * to. A state that is malformed, forged (wrong MAC), foreign (signed for another
 * `client_key`), expired or replayed is an {@link OAuthStateError} naming which.
 *
 * @example
 * ```ts
 * import { OAuth, OAuthState } from "@effect-douyin/core"
 * import { Effect, Layer, Redacted } from "effect"
 *
 * const States = OAuthState.layer({ key: Redacted.make("a long random secret of the app") }).pipe(
 *   Layer.provide(OAuthState.layerNoncesMemory)
 * ) // needs OAuth (for the client_key)
 *
 * const start = Effect.gen(function*() {
 *   const states = yield* OAuthState.OAuthState
 *   const state = yield* states.issue("tenant-42")
 *   return yield* (yield* OAuth.OAuth).authorizeUrl({ redirectUri: "https://app.example.com/oauth/callback", state })
 * })
 * ```
 *
 * @since 0.4.0
 */
import * as FileSystem from "@effect/platform/FileSystem"
import * as Path from "@effect/platform/Path"
import * as Clock from "effect/Clock"
import * as Config from "effect/Config"
import * as Context from "effect/Context"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import * as Ref from "effect/Ref"
import * as Schema from "effect/Schema"
import type { ConfigError } from "effect/ConfigError"
import * as ConfigCheck from "./ConfigCheck.js"
import { DouyinInvalidInput } from "./DouyinError.js"
import { maxStateLength } from "./internal/authorizeUrl.js"
import * as stateToken from "./internal/stateToken.js"
import * as OAuth from "./OAuth.js"
import { TokenStoreError } from "./TokenStore.js"

/**
 * Why a state was refused.
 *
 * @since 0.4.0
 * @category models
 */
export type Reason = "malformed" | "forged" | "foreign" | "expired" | "replayed"

/**
 * The state of a callback is not one this app issued and has not used yet. Never quotes the
 * state.
 *
 * @since 0.4.0
 * @category errors
 */
export class OAuthStateError extends Schema.TaggedError<OAuthStateError>()("OAuthStateError", {
  reason: Schema.Literal("malformed", "forged", "foreign", "expired", "replayed"),
  description: Schema.String
}) {
  override get message() {
    return `OAuth state refused (${this.reason}): ${this.description}`
  }
}

/**
 * A state that passed every check (and whose nonce is now used).
 *
 * @since 0.4.0
 * @category models
 */
export interface Verified {
  /** The context given to `issue`, if any. */
  readonly context: string | undefined
  /** Until when the state was valid (epoch ms). */
  readonly expiresAt: number
}

/**
 * @since 0.4.0
 * @category models
 */
export interface Service {
  /**
   * A fresh state for one consent URL, carrying `context`. Fails with `DouyinInvalidInput`
   * when the context makes the state longer than a consent URL takes (1024 characters).
   */
  readonly issue: (context?: string | undefined) => Effect.Effect<string, DouyinInvalidInput>
  /** Checks a callback's state and uses it up: a second check of the same state is `replayed`. */
  readonly verify: (state: string) => Effect.Effect<Verified, OAuthStateError | TokenStoreError>
}

/**
 * @since 0.4.0
 * @category tags
 */
export class OAuthState extends Context.Tag("@effect-douyin/core/OAuthState")<OAuthState, Service>() {}

/**
 * Where used nonces are remembered until their state expires: the same backends as the
 * tokens (memory, a directory, Redis), so every instance of the app sees a state as used.
 *
 * @since 0.4.0
 * @category models
 */
export interface NonceStoreService {
  /** `memory`, `file`, `redis`, or the name of a custom store. */
  readonly name: string
  /**
   * Marks `nonce` as used until `expiresAt` (epoch ms): `true` the first time, `false` when it
   * was used already. Atomic across the processes sharing the store.
   */
  readonly consume: (nonce: string, expiresAt: number) => Effect.Effect<boolean, TokenStoreError>
}

/**
 * @since 0.4.0
 * @category tags
 */
export class NonceStore extends Context.Tag("@effect-douyin/core/OAuthState/NonceStore")<NonceStore, NonceStoreService>() {}

/**
 * Options of {@link make}.
 *
 * @since 0.4.0
 * @category models
 */
export interface Options {
  /**
   * The HMAC key: a long random secret of the app (at least 32 characters, e.g.
   * `openssl rand -base64 32`), as a plain string or `Redacted` alike; kept `Redacted`.
   */
  readonly key: string | Redacted.Redacted<string>
  /** How long a state is accepted after it was issued (default 10 minutes, as a code). */
  readonly ttl?: Duration.DurationInput | undefined
}

/**
 * The state key's check, from code ({@link make}) and from config (`DOUYIN_STATE_KEY`) alike:
 * at least 32 characters. The key is never part of the reason. Sends nothing.
 *
 * @example
 * ```ts
 * import { ConfigCheck, OAuthState } from "@effect-douyin/core"
 * import { Config } from "effect"
 *
 * // the app's own key name, checked as the SDK checks DOUYIN_STATE_KEY
 * const key = ConfigCheck.key("MY_APP_STATE_KEY", Config.redacted(), OAuthState.checkKey)
 * ```
 *
 * @since 0.4.0
 * @category checks
 */
export const checkKey: ConfigCheck.Check<string | Redacted.Redacted<string>, Redacted.Redacted<string>> = (key) => {
  const value = Redacted.isRedacted(key) ? Redacted.value(key) : key
  return value.length >= 32
    ? Either.right(Redacted.isRedacted(key) ? key : Redacted.make(key))
    : Either.left("the state key must be at least 32 characters (e.g. openssl rand -base64 32)")
}

/**
 * States signed for the `OAuth` app's `client_key`, nonces kept in the {@link NonceStore}.
 * The options are checked first: a `key` shorter than 32 characters or a `ttl` not above 0 is
 * a `ConfigError` naming it (never quoting the key).
 *
 * @since 0.4.0
 * @category constructors
 */
export const make = (options: Options): Effect.Effect<Service, ConfigError, OAuth.OAuth | NonceStore> =>
  Effect.gen(function*() {
    const checkedKey = yield* ConfigCheck.option("key", checkKey, options.key)
    const ttl = Duration.toMillis(yield* ConfigCheck.option("ttl", ConfigCheck.positiveDuration, options.ttl ?? "10 minutes"))
    const { clientKey } = yield* OAuth.OAuth
    const nonces = yield* NonceStore
    const key = Buffer.from(Redacted.value(checkedKey), "utf8")
    const refuse = (reason: Reason, description: string) => Effect.fail(new OAuthStateError({ reason, description }))

    const issue = (context?: string | undefined) =>
      Effect.flatMap(Clock.currentTimeMillis, (now) => {
        const state = stateToken.sign(key, { clientKey, nonce: stateToken.newNonce(), expiresAt: now + ttl, context })
        return state.length > maxStateLength
          ? Effect.fail(
            new DouyinInvalidInput({
              endpoint: "oauth/State",
              description: `the context makes the state ${state.length} characters long; a consent URL takes at most ${maxStateLength}`
            })
          )
          : Effect.succeed(state)
      })

    const verify = (state: string) =>
      Effect.gen(function*() {
        const opened = stateToken.open(key, state, maxStateLength)
        if (opened._tag === "Malformed") return yield* refuse("malformed", "not a state this app issues")
        if (opened._tag === "Forged") return yield* refuse("forged", "the signature does not match the app's state key")
        const { payload } = opened
        if (payload.clientKey !== clientKey) return yield* refuse("foreign", "the state was issued for another client_key")
        const now = yield* Clock.currentTimeMillis
        if (now >= payload.expiresAt) return yield* refuse("expired", "the state has expired; start the authorization again")
        const first = yield* nonces.consume(payload.nonce, payload.expiresAt)
        if (!first) return yield* refuse("replayed", "the state was used already")
        return { context: payload.context, expiresAt: payload.expiresAt }
      }).pipe(Effect.withSpan("OAuthState.verify", { attributes: { "douyin.client_key": clientKey } }))

    return { issue, verify }
  })

/**
 * @since 0.4.0
 * @category layers
 */
export const layer = (options: Options): Layer.Layer<OAuthState, ConfigError, OAuth.OAuth | NonceStore> =>
  Layer.effect(OAuthState, make(options))

/**
 * The options from config: the key `DOUYIN_STATE_KEY` (redacted, at least 32 characters) and
 * `DOUYIN_STATE_TTL` (a duration, default 10 minutes).
 *
 * @since 0.4.0
 * @category config
 */
export const config: Config.Config<Options> = Config.all({
  key: ConfigCheck.key("DOUYIN_STATE_KEY", Config.redacted(), checkKey),
  ttl: Config.withDefault(Config.duration("DOUYIN_STATE_TTL"), Duration.minutes(10))
})

/**
 * {@link layer} from {@link config} (`DOUYIN_STATE_KEY`, `DOUYIN_STATE_TTL`) unless another
 * config is given.
 *
 * @since 0.4.0
 * @category layers
 */
export const layerConfig = (
  options: Config.Config<Options> = config
): Layer.Layer<OAuthState, ConfigError, OAuth.OAuth | NonceStore> => Layer.effect(OAuthState, Effect.flatMap(options, make))

// ---------------------------------------------------------------------------------------------
// nonce stores

/**
 * Used nonces in the layer's memory (one instance; tests). Expired ones are dropped as new
 * ones are consumed.
 *
 * @since 0.4.0
 * @category constructors
 */
export const makeNoncesMemory: Effect.Effect<NonceStoreService> = Effect.map(
  Ref.make<ReadonlyMap<string, number>>(new Map()),
  (ref) => ({
    name: "memory",
    consume: (nonce, expiresAt) =>
      Effect.flatMap(Clock.currentTimeMillis, (now) =>
        Ref.modify(ref, (used) => {
          if (used.has(nonce)) return [false, used]
          const next = new Map([...used].filter(([, until]) => until > now))
          return [true, next.set(nonce, expiresAt)]
        }))
  })
)

/**
 * @since 0.4.0
 * @category layers
 */
export const layerNoncesMemory: Layer.Layer<NonceStore> = Layer.effect(NonceStore, makeNoncesMemory)

/**
 * Used nonces as empty files of `directory` (created with mode 0700), each created
 * exclusively, so of two processes consuming one nonce only one succeeds. The file name
 * starts with the expiry; expired files are removed as new nonces are consumed. Use the
 * token store's directory or one next to it. Needs `FileSystem` and `Path`.
 *
 * @since 0.4.0
 * @category constructors
 */
export const makeNoncesFile = (
  directory: string
): Effect.Effect<NonceStoreService, TokenStoreError, FileSystem.FileSystem | Path.Path> =>
  Effect.gen(function*() {
    const fs = yield* FileSystem.FileSystem
    const path = yield* Path.Path
    const fail = (operation: string) => (e: { readonly message: string }) =>
      new TokenStoreError({ store: "file", operation, description: e.message })
    yield* Effect.mapError(fs.makeDirectory(directory, { recursive: true, mode: 0o700 }), fail("open directory"))
    const prune = (now: number) =>
      Effect.flatMap(fs.readDirectory(directory), (names) =>
        Effect.forEach(
          names.filter((n) => n.endsWith(".state") && Number(n.split("-")[0]) <= now),
          (n) => Effect.ignore(fs.remove(path.join(directory, n))),
          { discard: true }
        )).pipe(Effect.ignore)
    return {
      name: "file",
      consume: (nonce, expiresAt) =>
        Effect.gen(function*() {
          yield* prune(yield* Clock.currentTimeMillis)
          const file = path.join(directory, `${expiresAt}-${nonce}.state`)
          return yield* Effect.scoped(fs.open(file, { flag: "wx", mode: 0o600 })).pipe(
            Effect.as(true),
            Effect.catchIf(
              (e) => e._tag === "SystemError" && e.reason === "AlreadyExists",
              () => Effect.succeed(false)
            ),
            Effect.mapError(fail("consume state"))
          )
        })
    }
  })

/**
 * @since 0.4.0
 * @category layers
 */
export const layerNoncesFile = (
  directory: string
): Layer.Layer<NonceStore, TokenStoreError, FileSystem.FileSystem | Path.Path> => Layer.effect(NonceStore, makeNoncesFile(directory))
