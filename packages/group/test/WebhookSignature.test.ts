import { describe, expect, it } from "@effect/vitest"
import { Effect, Redacted } from "effect"
import { WebhookSignature } from "../src/index.js"
import { imGroupReceiveMsg, verifyVector } from "./fixtures/webhookSamples.js"

const secret = Redacted.make(verifyVector.secret)
const bytes = (text: string) => new TextEncoder().encode(text)

describe("WebhookSignature", () => {
  it("matches the known-answer vector of docs/wire.md#signature-and-delivery", () => {
    expect(WebhookSignature.sign(secret, verifyVector.body)).toBe(verifyVector.signature)
    expect(WebhookSignature.sign(secret, bytes(verifyVector.body))).toBe(verifyVector.signature)
    expect(WebhookSignature.verify(secret, bytes(verifyVector.body), verifyVector.signature)).toBe(true)
  })

  it("accepts upper-case hex and surrounding whitespace in the header", () => {
    expect(WebhookSignature.verify(secret, verifyVector.body, verifyVector.signature.toUpperCase())).toBe(true)
    expect(WebhookSignature.verify(secret, verifyVector.body, ` ${verifyVector.signature} `)).toBe(true)
  })

  it("rejects a tampered body", () => {
    const tampered = verifyVector.body.replace("12345", "12346")
    expect(WebhookSignature.verify(secret, tampered, verifyVector.signature)).toBe(false)
    expect(WebhookSignature.verify(secret, verifyVector.body + " ", verifyVector.signature)).toBe(false)
  })

  it("rejects a wrong, malformed, truncated or missing signature, and the wrong secret", () => {
    const wrong = WebhookSignature.sign(Redacted.make("other_secret"), verifyVector.body)
    expect(WebhookSignature.verify(secret, verifyVector.body, wrong)).toBe(false)
    expect(WebhookSignature.verify(Redacted.make("other_secret"), verifyVector.body, verifyVector.signature)).toBe(
      false
    )
    expect(WebhookSignature.verify(secret, verifyVector.body, verifyVector.signature.slice(0, 39))).toBe(false)
    expect(WebhookSignature.verify(secret, verifyVector.body, "zz" + verifyVector.signature.slice(2))).toBe(false)
    expect(WebhookSignature.verify(secret, verifyVector.body, "")).toBe(false)
    expect(WebhookSignature.verify(secret, verifyVector.body, undefined)).toBe(false)
  })

  it("is computed over the raw bytes: a body re-serialized from parsed JSON fails", () => {
    const raw = imGroupReceiveMsg // as Douyin sent it, with its own spacing and non-ASCII
    const signature = WebhookSignature.sign(secret, raw)
    expect(WebhookSignature.verify(secret, raw, signature)).toBe(true)
    const reserialized = JSON.stringify(JSON.parse(raw))
    expect(reserialized).not.toBe(raw)
    expect(WebhookSignature.verify(secret, reserialized, signature)).toBe(false)
    // same for an escaped-unicode body that JSON.stringify un-escapes
    const escaped = `{"event":"x","content":{"text":"\\u4f60\\u597d"}}`
    expect(WebhookSignature.verify(secret, JSON.stringify(JSON.parse(escaped)), WebhookSignature.sign(secret, escaped)))
      .toBe(false)
  })

  it.effect("verifyEffect fails with a typed error that never carries the secret or the expected signature", () =>
    Effect.gen(function*() {
      const missing = yield* Effect.flip(WebhookSignature.verifyEffect(secret, verifyVector.body, undefined))
      expect(missing.reason).toBe("missing")
      const mismatch = yield* Effect.flip(WebhookSignature.verifyEffect(secret, verifyVector.body, "0".repeat(40)))
      expect(mismatch.reason).toBe("mismatch")
      for (const text of [mismatch.message, String(mismatch), JSON.stringify(mismatch)]) {
        expect(text).not.toContain(verifyVector.secret)
        expect(text).not.toContain(verifyVector.signature)
      }
      yield* WebhookSignature.verifyEffect(secret, verifyVector.body, verifyVector.signature)
    }))
})
