/**
 * The signed `state` of the consent flow: `v1.<payload>.<mac>`, both base64url. The payload
 * is the JSON array `[client_key, nonce, expiresAt (epoch ms), context | null]`; the MAC is
 * HMAC-SHA256 over the version and payload with the app's state key. The nonce is 16 random
 * bytes; single use is the nonce store's job.
 */
import * as Crypto from "node:crypto"

export interface Payload {
  readonly clientKey: string
  readonly nonce: string
  readonly expiresAt: number
  readonly context: string | undefined
}

const version = "v1"

const mac = (key: Buffer, body: string) => Crypto.createHmac("sha256", key).update(`${version}.${body}`).digest()

export const newNonce = (): string => Crypto.randomBytes(16).toString("base64url")

export const sign = (key: Buffer, payload: Payload): string => {
  const body = Buffer.from(
    JSON.stringify([payload.clientKey, payload.nonce, payload.expiresAt, payload.context ?? null]),
    "utf8"
  ).toString("base64url")
  return `${version}.${body}.${mac(key, body).toString("base64url")}`
}

export type Opened =
  | { readonly _tag: "Malformed" }
  | { readonly _tag: "Forged" }
  | { readonly _tag: "Opened"; readonly payload: Payload }

const base64url = /^[A-Za-z0-9_-]+$/

const parse = (body: string): Payload | undefined => {
  try {
    const value: unknown = JSON.parse(Buffer.from(body, "base64url").toString("utf8"))
    if (!Array.isArray(value) || value.length !== 4) return undefined
    const [clientKey, nonce, expiresAt, context] = value as Array<unknown>
    if (typeof clientKey !== "string" || typeof nonce !== "string" || nonce === "") return undefined
    if (typeof expiresAt !== "number" || !Number.isFinite(expiresAt)) return undefined
    if (context !== null && typeof context !== "string") return undefined
    return { clientKey, nonce, expiresAt, context: context ?? undefined }
  } catch {
    return undefined
  }
}

/** Checks the shape and the MAC (in constant time); the payload only when both hold. */
export const open = (key: Buffer, state: string, maxLength: number): Opened => {
  if (state.length > maxLength) return { _tag: "Malformed" }
  const parts = state.split(".")
  if (parts.length !== 3 || parts[0] !== version || !base64url.test(parts[1]) || !base64url.test(parts[2])) {
    return { _tag: "Malformed" }
  }
  const expected = mac(key, parts[1])
  const given = Buffer.from(parts[2], "base64url")
  if (given.length !== expected.length || !Crypto.timingSafeEqual(given, expected)) return { _tag: "Forged" }
  const payload = parse(parts[1])
  return payload === undefined ? { _tag: "Malformed" } : { _tag: "Opened", payload }
}
