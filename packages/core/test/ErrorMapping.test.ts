import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { DouyinTest, Endpoint } from "../src/index.js"
import { Count, Recall, Send } from "./support/descriptors.js"

const countWith = (reply: DouyinTest.Reply) =>
  Effect.flatMap(Endpoint.handler(Count), (count) => Effect.flip(count({ openId: "op-1" }))).pipe(
    Effect.provide(DouyinTest.layerClient([reply]))
  )

describe("error mapping", () => {
  it.effect.each(
    [
      [2190002, "DouyinAuthError"],
      [2190008, "DouyinAuthError"],
      [2100007, "DouyinPermissionError"],
      [2190003, "DouyinPermissionError"],
      [2190015, "DouyinPermissionError"],
      [2100005, "DouyinInvalidParams"],
      [2100006, "DouyinInvalidParams"],
      [2190001, "DouyinQuotaError"],
      [2100004, "DouyinBusyError"],
      [28005002, "DouyinBusyError"],
      [4242424, "DouyinApiError"]
    ] as const
  )("envelope-A code %i becomes %s carrying code and logid", ([code, tag]) =>
    Effect.gen(function*() {
      const error = yield* countWith(DouyinTest.errorA(code, "described", "LOG-A"))
      expect(error._tag).toBe(tag)
      expect(error).toMatchObject({ endpoint: "test/Count", code, description: "described", logId: "LOG-A" })
      expect(error.message).toContain(String(code))
      expect(error.message).toContain("LOG-A")
    }))

  it.effect("an envelope-B failure becomes its category error with the log_id", () =>
    Effect.gen(function*() {
      const recall = yield* Endpoint.handler(Recall)
      const error = yield* Effect.flip(recall({ openId: "op-1", msgId: "@m" }))
      expect(error).toMatchObject({ _tag: "DouyinInvalidParams", code: 2100005, logId: "LOG-B" })
    }).pipe(Effect.provide(DouyinTest.layerClient([DouyinTest.errorB(2100005, "bad", "LOG-B")]))))

  it.effect("an unknown code is a typed DouyinApiError in the error channel, not a defect", () =>
    Effect.gen(function*() {
      const exit = yield* Effect.exit(Effect.flatMap(Endpoint.handler(Count), (count) => count({ openId: "op-1" })))
      expect(exit._tag).toBe("Failure")
      if (exit._tag === "Failure") expect(exit.cause._tag).toBe("Fail")
    }).pipe(Effect.provide(DouyinTest.layerClient([DouyinTest.errorA(9999999)]))))

  it.effect("a non-200 HTML page becomes DouyinHttpError with the status and Retry-After", () =>
    Effect.gen(function*() {
      const error = yield* countWith({ ...DouyinTest.text(502, "<html><body>Bad Gateway</body></html>"), headers: { "retry-after": "3" } })
      expect(error).toMatchObject({ _tag: "DouyinHttpError", status: 502, retryAfterMillis: 3000 })
      expect(error.message).toContain("Bad Gateway")
    }))

  it.effect("a non-200 status that carries an envelope becomes the envelope's error", () =>
    Effect.gen(function*() {
      const error = yield* countWith({ ...DouyinTest.errorA(2100004, "busy", "LOG-503"), status: 503 })
      expect(error).toMatchObject({ _tag: "DouyinBusyError", code: 2100004, logId: "LOG-503" })
    }))

  it.effect("malformed JSON on 200 becomes DouyinDecodeError with the x-tt-logid header", () =>
    Effect.gen(function*() {
      const error = yield* countWith({ status: 200, headers: { "x-tt-logid": "LOG-HDR" }, body: "{\"data\": {" })
      expect(error).toMatchObject({ _tag: "DouyinDecodeError", logId: "LOG-HDR" })
      expect(error.message).toContain("malformed JSON")
    }))

  it.effect("a 200 envelope whose payload misses the success fields becomes DouyinDecodeError with the logid", () =>
    Effect.gen(function*() {
      const error = yield* countWith(DouyinTest.successA({ left_count: "many" }, "LOG-D"))
      expect(error).toMatchObject({ _tag: "DouyinDecodeError", logId: "LOG-D" })
      expect(error.message).toContain("left_count")
    }))

  it.effect("a 200 body that is no envelope becomes DouyinDecodeError", () =>
    Effect.gen(function*() {
      const error = yield* countWith(DouyinTest.json(["not", "an", "envelope"]))
      expect(error._tag).toBe("DouyinDecodeError")
    }))

  it.effect("an unsafe call whose gateway answers 502 fails with DouyinOutcomeUnknown, without the token", () =>
    Effect.gen(function*() {
      const send = yield* Endpoint.handler(Send)
      const error = yield* Effect.flip(send({ openId: "op-1", groupId: "@g", text: "hello" }))
      expect(error._tag).toBe("DouyinOutcomeUnknown")
      if (error._tag !== "DouyinOutcomeUnknown") return
      expect(error.request).toEqual({
        method: "POST",
        path: "/im/send/msg/group/",
        query: { open_id: "op-1" },
        body: { group_id: "@g", text: "hello" }
      })
      expect(error.clientRequestId).toMatch(/^[0-9a-f-]{36}$/)
      expect(JSON.stringify(error)).not.toContain(DouyinTest.testToken)
      expect(error.message).not.toContain(DouyinTest.testToken)
    }).pipe(Effect.provide(DouyinTest.layerClient([DouyinTest.text(502, "Bad Gateway")]))))

  it.effect("a refused connection is DouyinTransportError with sent: false; a reset is sent: true", () =>
    Effect.gen(function*() {
      const failWith = (code: string) =>
        Effect.flatMap(Endpoint.handler(Count), (count) => Effect.flip(count({ openId: "op-1" }))).pipe(
          Effect.provide(
            DouyinTest.layerClient(() => Effect.die(Object.assign(new Error(`socket ${code}`), { code })))
          )
        )
      expect(yield* failWith("ECONNREFUSED")).toMatchObject({ _tag: "DouyinTransportError", sent: false })
      expect(yield* failWith("ECONNRESET")).toMatchObject({ _tag: "DouyinTransportError", sent: true })
    }))
})
