import { afterEach, describe, expect, it, vi } from "@effect/vitest"
import { Context, DefaultServices, Effect, Layer, Tracer } from "effect"
import { DouyinTest, Endpoint } from "../src/index.js"
import { type CapturedSpan, captureLogger, layerCapture } from "./support/capture.js"
import { Count, Send } from "./support/descriptors.js"

// Effect's default tracer: the one every fiber has until a tracer layer replaces it. Its spans
// go nowhere, so the client makes none under it. The spy keeps the tracer itself in place.
const defaultTracer = Context.get(DefaultServices.liveServices, Tracer.Tracer)

describe("the call span is made only when a tracer records it", () => {
  afterEach(() => {
    vi.restoreAllMocks()
  })

  it.effect("default tracer: no span is asked for; a failure still names its client request id in the error and the log", () => {
    const lines: Array<string> = []
    const span = vi.spyOn(defaultTracer, "span")
    return Effect.gen(function*() {
      const count = yield* Endpoint.handler(Count)
      const send = yield* Endpoint.handler(Send)
      yield* count({ openId: "op-1" })
      const unknown = yield* Effect.flip(send({ openId: "op-1", groupId: "@g", text: "x" }))
      // The injected client's own spans (`http.client GET`) are the client's business.
      const names = () => span.mock.calls.map(([name]) => name).filter((name) => !name.startsWith("http.client"))
      expect(names()).toEqual([])
      // The spy sees spans the program makes itself: the check above can fail.
      yield* Effect.withSpan(Effect.void, "test/probe")
      expect(names()).toEqual(["test/probe"])

      expect(unknown._tag).toBe("DouyinOutcomeUnknown")
      const id = unknown._tag === "DouyinOutcomeUnknown" ? unknown.clientRequestId : ""
      expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/)
      expect(lines.filter((line) => line.includes(id)).length).toBe(1)
    }).pipe(
      Effect.provide(Layer.merge(
        DouyinTest.layerClient([
          DouyinTest.successA({ left_count: 1 }, "LOG-OK"),
          DouyinTest.text(502, "<html>Bad Gateway</html>")
        ]),
        captureLogger(lines)
      ))
    )
  })

  it.effect("a tracer installed: one client span per call, with its attributes, the id of its failure log", () => {
    const spans: Array<CapturedSpan> = []
    const lines: Array<string> = []
    return Effect.gen(function*() {
      const count = yield* Endpoint.handler(Count)
      const send = yield* Endpoint.handler(Send)
      yield* count({ openId: "op-1" })
      yield* Effect.flip(send({ openId: "op-1", groupId: "@g", text: "x" }))
      const calls = spans.filter((s) => s.name.startsWith("test/"))
      expect(calls.map((s) => s.name)).toEqual(["test/Count", "test/Send"])
      for (const call of calls) {
        expect(call.exit).toBeDefined()
        expect(call.attributes.get("douyin.attempts")).toBe(1)
        expect(call.attributes.get("http.request.method")).toBeDefined()
        expect(call.attributes.get("douyin.client_request_id")).toMatch(/^[0-9a-f-]{36}$/)
      }
      const failedId = String(calls[1]!.attributes.get("douyin.client_request_id"))
      expect(lines.filter((line) => line.includes(failedId)).length).toBe(1)
      expect(calls[1]!.attributes.get("error.type")).toBe("DouyinOutcomeUnknown")
    }).pipe(
      Effect.provide(Layer.merge(
        DouyinTest.layerClient([
          DouyinTest.successA({ left_count: 1 }, "LOG-OK"),
          DouyinTest.text(502, "<html>Bad Gateway</html>")
        ]),
        layerCapture(spans, lines)
      ))
    )
  })

  it.effect("a tracer installed but tracing turned off (Effect.withTracerEnabled(false)): no span recorded", () => {
    const spans: Array<CapturedSpan> = []
    const lines: Array<string> = []
    return Effect.gen(function*() {
      const count = yield* Endpoint.handler(Count)
      yield* Effect.withTracerEnabled(count({ openId: "op-1" }), false)
      expect(spans.filter((s) => s.name.startsWith("test/"))).toEqual([])
      yield* count({ openId: "op-1" })
      expect(spans.filter((s) => s.name.startsWith("test/")).length).toBe(1)
    }).pipe(
      Effect.provide(Layer.merge(
        DouyinTest.layerClient([
          DouyinTest.successA({ left_count: 1 }, "LOG-1"),
          DouyinTest.successA({ left_count: 1 }, "LOG-2")
        ]),
        layerCapture(spans, lines)
      ))
    )
  })
})
