/**
 * How a token entry is written by the persistent stores (file, Redis): a Schema-encoded JSON
 * object with a `version` field, so a later release can read what an earlier one wrote, and
 * optionally sealed with AES-256-GCM (node:crypto). A sealed entry names its key id, so keys
 * can rotate: new writes use the current key, older entries still open with a previous one.
 * The store key is the cipher's additional data, so a sealed entry copied to another
 * client_key + open_id does not open there; every entry also names its key (`key`:
 * `[client_key, open_id]`), so a plain one copied or renamed is refused as well.
 *
 * Entries written before `key` existed have none: they are read as before (trusting where they
 * are stored, as that release did) and gain it at their next write, which a token refresh or a
 * new authorization makes within the access token's lifetime. Readers of that release ignore
 * the field, so the format stays version 1 both ways.
 */
import * as Crypto from "node:crypto"
import * as Either from "effect/Either"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as Schema from "effect/Schema"
import type { Key as StoreKey } from "./storeBackend.js"
import { ReauthorizationReason } from "../DouyinError.js"

/**
 * Why a creator must authorize again, as an entry keeps it (`TokenStore.Reauthorization`
 * re-exports it, described there).
 */
export interface Reauthorization {
  readonly code: number
  readonly since: number
  /** Absent in entries written before 0.4.0: then derived from `code` (`TokenStore.reasonOf`). */
  readonly reason?: ReauthorizationReason | undefined
}

/** What an entry holds (`TokenStore.StoredToken` re-exports it, described there). */
export interface StoredToken {
  readonly accessToken: Redacted.Redacted<string>
  /** When the access token expires. */
  readonly expiresAt: number
  readonly refreshToken: Redacted.Redacted<string>
  /** When the refresh token expires; after that only a new authorization helps. */
  readonly refreshExpiresAt: number
  readonly scope: ReadonlyArray<string>
  /** Set when the creator must authorize again (see `TokenStore.needingReauthorization`). */
  readonly reauthorization?: Reauthorization | undefined
}

const EntryV1 = Schema.Struct({
  version: Schema.Literal(1),
  accessToken: Schema.Redacted(Schema.String),
  expiresAt: Schema.Number,
  refreshToken: Schema.Redacted(Schema.String),
  refreshExpiresAt: Schema.Number,
  scope: Schema.Array(Schema.String),
  reauthorization: Schema.optional(Schema.Struct({
    code: Schema.Number,
    since: Schema.Number,
    // Added in 0.4.0; entries written before it have none (the listing derives it from the code).
    reason: Schema.optional(ReauthorizationReason)
  })),
  /** The store key it was written for: `[client_key, open_id]`. */
  key: Schema.optional(Schema.Tuple(Schema.String, Schema.String))
})

const Sealed = Schema.Struct({
  sealed: Schema.Literal("A256GCM"),
  kid: Schema.String,
  iv: Schema.String,
  data: Schema.String
})

const Stored = Schema.parseJson(Schema.Union(EntryV1, Sealed))
const encodeEntry = Schema.encodeSync(Schema.parseJson(EntryV1))
const decodeEntry = Schema.decodeUnknownEither(Schema.parseJson(EntryV1))
const decodeStored = Schema.decodeUnknownEither(Stored)
const encodeSealed = Schema.encodeSync(Schema.parseJson(Sealed))

/** A 32-byte key and its id. */
export interface Key {
  readonly id: string
  readonly key: Buffer
}

/** Keys to seal with (the first) and to open with (any). */
export interface Keyring {
  readonly current: Key
  readonly byId: ReadonlyMap<string, Key>
}

/** Parses base64 key material (32 bytes once decoded); a description of what is wrong otherwise. */
export const keyring = (
  keys: ReadonlyArray<{ readonly id: string; readonly key: string | Redacted.Redacted<string> }>
): Either.Either<Keyring, string> => {
  if (keys.length === 0) return Either.left("no encryption key given")
  const parsed: Array<Key> = []
  for (const { id, key } of keys) {
    if (id.length === 0) return Either.left("an encryption key id is empty")
    const bytes = Buffer.from(Redacted.isRedacted(key) ? Redacted.value(key) : key, "base64")
    if (bytes.length !== 32) return Either.left(`encryption key "${id}" is not 32 bytes of base64`)
    parsed.push({ id, key: bytes })
  }
  return Either.right({ current: parsed[0], byId: new Map(parsed.map((k) => [k.id, k])) })
}

const seal = (ring: Keyring, aad: string, plain: string): string => {
  const iv = Crypto.randomBytes(12)
  const cipher = Crypto.createCipheriv("aes-256-gcm", ring.current.key, iv)
  cipher.setAAD(Buffer.from(aad, "utf8"))
  const data = Buffer.concat([cipher.update(plain, "utf8"), cipher.final(), cipher.getAuthTag()])
  return encodeSealed({ sealed: "A256GCM", kid: ring.current.id, iv: iv.toString("base64"), data: data.toString("base64") })
}

const open = (ring: Option.Option<Keyring>, aad: string, sealed: typeof Sealed.Type): Either.Either<string, string> => {
  if (Option.isNone(ring)) return Either.left("the entry is encrypted but no encryption key is configured")
  const key = ring.value.byId.get(sealed.kid)
  if (key === undefined) return Either.left(`the entry is encrypted with key id "${sealed.kid}", which is not configured`)
  try {
    const data = Buffer.from(sealed.data, "base64")
    const decipher = Crypto.createDecipheriv("aes-256-gcm", key.key, Buffer.from(sealed.iv, "base64"))
    decipher.setAAD(Buffer.from(aad, "utf8"))
    decipher.setAuthTag(data.subarray(data.length - 16))
    return Either.right(Buffer.concat([decipher.update(data.subarray(0, data.length - 16)), decipher.final()]).toString("utf8"))
  } catch {
    return Either.left(`the entry does not decrypt with key id "${sealed.kid}" (wrong key, or the entry was altered)`)
  }
}

// The cipher's additional data: the same string as `TokenStore.keyString`.
const aadOf = (key: StoreKey) => JSON.stringify([key.clientKey, key.openId])

/** The stored text of `token` under the store key `key`. */
export const encode = (ring: Option.Option<Keyring>, key: StoreKey, token: StoredToken): string => {
  const plain = encodeEntry({
    version: 1,
    accessToken: token.accessToken,
    expiresAt: token.expiresAt,
    refreshToken: token.refreshToken,
    refreshExpiresAt: token.refreshExpiresAt,
    scope: token.scope,
    ...(token.reauthorization === undefined ? {} : { reauthorization: token.reauthorization }),
    key: [key.clientKey, key.openId]
  })
  return Option.match(ring, { onNone: () => plain, onSome: (r) => seal(r, aadOf(key), plain) })
}

const fromEntry = (entry: typeof EntryV1.Type): StoredToken => ({
  accessToken: entry.accessToken,
  expiresAt: entry.expiresAt,
  refreshToken: entry.refreshToken,
  refreshExpiresAt: entry.refreshExpiresAt,
  scope: entry.scope,
  ...(entry.reauthorization === undefined ? {} : { reauthorization: entry.reauthorization })
})

/** Why stored text is not a token for the key it was read under. */
export interface Refusal {
  /** `decode`: not an entry this release reads (or it does not decrypt); `foreign`: another key's. */
  readonly reason: "decode" | "foreign"
  readonly description: string
}

// Never quote the stored text in a description: it holds tokens.
const unreadable: Refusal = {
  reason: "decode",
  description: "the entry is not a token entry this release can read (corrupt, or written by a newer version)"
}
const foreign: Refusal = {
  reason: "foreign",
  description: "the entry belongs to another client_key + open_id (copied or renamed); it is not used for this one"
}

const bound = (key: StoreKey, entry: typeof EntryV1.Type): Either.Either<StoredToken, Refusal> =>
  entry.key === undefined || (entry.key[0] === key.clientKey && entry.key[1] === key.openId)
    ? Either.right(fromEntry(entry))
    : Either.left(foreign)

/**
 * Reads stored text for `key`; a plain entry is accepted even when keys are configured
 * (migration), an entry naming another key is refused, one naming none is read as written.
 */
export const decode = (ring: Option.Option<Keyring>, key: StoreKey, text: string): Either.Either<StoredToken, Refusal> =>
  Either.flatMap(Either.mapLeft(decodeStored(text), () => unreadable), (stored) =>
    "sealed" in stored
      ? Either.flatMap(
        Either.mapLeft(open(ring, aadOf(key), stored), (description): Refusal => ({ reason: "decode", description })),
        (plain) => Either.flatMap(Either.mapLeft(decodeEntry(plain), () => unreadable), (entry) => bound(key, entry))
      )
      : bound(key, stored))
