/**
 * Webhook signatures (docs/wire.md#signature-and-delivery). Douyin sends header `X-Douyin-Signature` =
 * lowercase hex SHA-1 of the app's `client_secret` immediately followed by the **raw**
 * request body bytes (no separator, no HMAC). Verify the bytes exactly as received, before
 * parsing: a body re-serialized from parsed JSON does not verify.
 *
 * @example
 * ```ts
 * import { Redacted } from "effect"
 * import { WebhookSignature } from "@effect-douyin/group"
 * const secret = Redacted.make("test_secret")
 * const body = new TextEncoder().encode('{"event":"verify_webhook","client_key":"abc","content":{"challenge":12345}}')
 * WebhookSignature.sign(secret, body) // "ff779a3b9e9daa2d1484d22450cd02e9fcfc4e62"
 * WebhookSignature.verify(secret, body, "ff779a3b9e9daa2d1484d22450cd02e9fcfc4e62") // true
 * ```
 *
 * @since 0.1.0
 */
import * as Effect from "effect/Effect"
import * as Redacted from "effect/Redacted"
import * as Schema from "effect/Schema"
import { createHash, timingSafeEqual } from "node:crypto"

/**
 * The signature header, lower-case as HTTP servers present it.
 *
 * @since 0.1.0
 * @category constants
 */
export const headerName = "x-douyin-signature"

const encoder = new TextEncoder()

const toBytes = (body: Uint8Array | string): Uint8Array => (typeof body === "string" ? encoder.encode(body) : body)

const digest = (secret: Redacted.Redacted<string>, body: Uint8Array | string): Buffer =>
  createHash("sha1").update(Redacted.value(secret), "utf8").update(toBytes(body)).digest()

/**
 * The signature Douyin would send for `body`: lowercase hex SHA-1 of secret ‖ body bytes.
 * A `string` body is taken as its UTF-8 bytes. Useful for tests and for emulators that
 * deliver webhooks.
 *
 * @since 0.1.0
 * @category signing
 */
export const sign = (secret: Redacted.Redacted<string>, body: Uint8Array | string): string => digest(secret, body).toString("hex")

const hex40 = /^[0-9a-fA-F]{40}$/

/**
 * Whether `signature` (the header value; `undefined` when absent) is the signature of the
 * raw `body`. Compared in constant time (`timingSafeEqual` over the 20 digest bytes);
 * hex case is ignored (the C# SDK compares case-insensitively). Nothing verifies under an
 * empty or blank secret.
 *
 * @since 0.1.0
 * @category verification
 */
export const verify = (
  secret: Redacted.Redacted<string>,
  body: Uint8Array | string,
  signature: string | undefined
): boolean => {
  const expected = digest(secret, body)
  const trimmed = signature?.trim() ?? ""
  // The shape check leaks nothing about the secret: a SHA-1 is always 40 hex digits.
  const wellFormed = hex40.test(trimmed)
  const given = wellFormed ? Buffer.from(trimmed, "hex") : Buffer.alloc(expected.length)
  // A blank secret never verifies: anyone can compute its signatures (the second line of
  // defence behind `WebhookConfig`, which refuses one at build time).
  return timingSafeEqual(expected, given) && wellFormed && Redacted.value(secret).trim() !== ""
}

/**
 * A delivery whose signature is absent or does not match its body.
 *
 * @since 0.1.0
 * @category errors
 */
export class WebhookSignatureError extends Schema.TaggedError<WebhookSignatureError>()("WebhookSignatureError", {
  reason: Schema.Literal("missing", "mismatch")
}) {
  override get message() {
    return this.reason === "missing"
      ? `webhook rejected: header ${headerName} is missing`
      : `webhook rejected: ${headerName} does not match the body`
  }
}

/**
 * {@link verify} as an Effect: fails with {@link WebhookSignatureError} (which never
 * carries the secret, the expected signature or the body).
 *
 * @since 0.1.0
 * @category verification
 */
export const verifyEffect = (
  secret: Redacted.Redacted<string>,
  body: Uint8Array | string,
  signature: string | undefined
): Effect.Effect<void, WebhookSignatureError> =>
  signature === undefined || signature.trim() === ""
    ? Effect.fail(new WebhookSignatureError({ reason: "missing" }))
    : verify(secret, body, signature)
    ? Effect.void
    : Effect.fail(new WebhookSignatureError({ reason: "mismatch" }))
