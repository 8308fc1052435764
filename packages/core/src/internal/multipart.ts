/**
 * A `multipart/form-data` body (RFC 7578) of file parts, written by hand so its bytes are
 * known: the image upload sends one part `image`. Each attempt of a call gets a fresh random
 * boundary (a retry never reuses one), and the boundary is chosen so it cannot occur in the
 * content (it is random; it is also checked against the bytes and drawn again if found).
 */
import * as Crypto from "node:crypto"

/** One file part. */
export interface FilePart {
  /** The form field name, e.g. `image`. */
  readonly name: string
  readonly filename: string
  /** The part's media type, e.g. `image/png`. */
  readonly contentType: string
  readonly bytes: Uint8Array
}

const encoder = new TextEncoder()

/** Double quotes, CR and LF cannot appear in a quoted header parameter (RFC 7578 §4.2). */
const quoted = (s: string) => `"${s.replace(/["\r\n\\]/g, "_")}"`

const contains = (haystack: Uint8Array, needle: Buffer): boolean =>
  Buffer.from(haystack.buffer, haystack.byteOffset, haystack.byteLength).includes(needle)

/** A new boundary for one attempt: 32 random hex digits after a fixed prefix. */
export const freshBoundary = (parts: ReadonlyArray<FilePart>): string => {
  for (;;) {
    const boundary = `----effect-douyin-${Crypto.randomBytes(16).toString("hex")}`
    const marker = Buffer.from(`--${boundary}`, "utf8")
    if (!parts.some((p) => contains(p.bytes, marker))) return boundary
  }
}

/** The body bytes of `parts` under `boundary`. */
export const encode = (parts: ReadonlyArray<FilePart>, boundary: string): Uint8Array => {
  const chunks: Array<Uint8Array> = []
  for (const part of parts) {
    chunks.push(encoder.encode(
      `--${boundary}\r\n` +
        `Content-Disposition: form-data; name=${quoted(part.name)}; filename=${quoted(part.filename)}\r\n` +
        `Content-Type: ${part.contentType}\r\n\r\n`
    ))
    chunks.push(part.bytes)
    chunks.push(encoder.encode("\r\n"))
  }
  chunks.push(encoder.encode(`--${boundary}--\r\n`))
  return Buffer.concat(chunks)
}

/** The `Content-Type` header of a body under `boundary`. */
export const contentType = (boundary: string) => `multipart/form-data; boundary=${boundary}`
