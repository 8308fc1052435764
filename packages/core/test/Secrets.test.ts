import { describe, expect, it } from "@effect/vitest"
import { Effect, Inspectable, Layer, Redacted } from "effect"
import { AccessToken, DouyinTest, Endpoint } from "../src/index.js"
import { type CapturedSpan, layerCapture, spanText } from "./support/capture.js"
import { Count, Send } from "./support/descriptors.js"

const secret = "act.SECRET-TOKEN-must-never-leak"

describe("secrets", () => {
  it.effect("the token reaches the wire header but no span attribute, log line or error", () => {
    const spans: Array<CapturedSpan> = []
    const lines: Array<string> = []
    return Effect.gen(function*() {
      const count = yield* Endpoint.handler(Count)
      const send = yield* Endpoint.handler(Send)
      yield* count({ openId: "op-1" })
      const errors = [
        yield* Effect.flip(count({ openId: "op-1" })),
        yield* Effect.flip(send({ openId: "op-1", groupId: "@g", text: "x" })),
        yield* Effect.flip(send({ openId: "op-1", groupId: "@g", text: "x" }))
      ]
      const requests = yield* DouyinTest.requests
      expect(requests.every((r) => r.headers["access-token"] === secret)).toBe(true)

      // the call spans exist and carry the logid …
      const callSpans = spans.filter((s) => s.name.startsWith("test/"))
      expect(callSpans.map((s) => s.name)).toEqual(["test/Count", "test/Count", "test/Send", "test/Send"])
      expect(callSpans[0]!.attributes.get("douyin.logid")).toBe("LOG-OK")
      expect(callSpans[1]!.attributes.get("douyin.logid")).toBe("LOG-AUTH")
      // … the HTTP client spans record the header, redacted
      const httpSpans = spans.filter((s) => s.attributes.has("http.request.header.access-token"))
      expect(httpSpans.length).toBe(4)
      for (const span of httpSpans) {
        expect(String(span.attributes.get("http.request.header.access-token"))).not.toContain("SECRET")
      }
      // … and the token is nowhere: spans, logs, errors
      expect(lines.length).toBeGreaterThan(0)
      const everything = [
        ...spans.map(spanText),
        ...lines,
        ...errors.flatMap((e) => [e.message, Inspectable.toStringUnknown(e), JSON.stringify(e), String(e)])
      ].join("\n")
      expect(everything).toContain("LOG-AUTH")
      expect(everything).not.toContain("SECRET-TOKEN")
    }).pipe(
      Effect.provide(Layer.merge(
        DouyinTest.layerClient([
          DouyinTest.successA({ left_count: 1 }, "LOG-OK"),
          DouyinTest.errorA(2190008, "access_token expired", "LOG-AUTH"),
          DouyinTest.text(502, "<html>Bad Gateway</html>"),
          DouyinTest.errorA(2100007, "no permission", "LOG-PERM")
        ], { token: secret }),
        layerCapture(spans, lines)
      ))
    )
  })

  it("a Redacted token prints as <redacted>", () => {
    const token = Redacted.make(secret)
    expect(String(token)).not.toContain("SECRET")
    expect(JSON.stringify({ token })).not.toContain("SECRET")
    expect(AccessToken.makeStatic(token)).toBeDefined()
  })
})
