import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { DouyinTest, Endpoint } from "../src/index.js"
import { Count, Send } from "./support/descriptors.js"

describe("Endpoint.handler", () => {
  it.effect("sends a GET with open_id in the query, the token header and a bare JSON content type", () =>
    Effect.gen(function*() {
      const count = yield* Endpoint.handler(Count)
      const result = yield* count({ openId: "op-1" })
      expect(result).toEqual({ leftCount: 2 })
      const [request] = yield* DouyinTest.requests
      expect(request.method).toBe("GET")
      expect(request.url).toBe("https://open.douyin.com/im/group/count/?open_id=op-1")
      expect(request.query).toEqual({ open_id: "op-1" })
      expect(request.headers["access-token"]).toBe(DouyinTest.testToken)
      expect(request.headers["content-type"]).toBe("application/json")
      expect(request.body).toBeUndefined()
    }).pipe(Effect.provide(DouyinTest.layerClient({ "GET /im/group/count/": DouyinTest.successA({ left_count: 2 }) }))))

  it.effect("sends a POST with a snake_case JSON body and open_id in the query only", () =>
    Effect.gen(function*() {
      const send = yield* Endpoint.handler(Send)
      const result = yield* send({ openId: "op-1", groupId: "@g==", text: "hi" })
      expect(result).toEqual({ msgId: "@m==" })
      const [request] = yield* DouyinTest.requests
      expect(request.method).toBe("POST")
      expect(request.path).toBe("/im/send/msg/group/")
      expect(request.query).toEqual({ open_id: "op-1" })
      expect(request.headers["content-type"]).toBe("application/json")
      expect(request.headers["access-token"]).toBe(DouyinTest.testToken)
      expect(request.body).toEqual({ group_id: "@g==", text: "hi" })
    }).pipe(Effect.provide(DouyinTest.layerClient({ "POST /im/send/msg/group/": DouyinTest.successA({ msg_id: "@m==" }) }))))

  it.effect("rejects invalid input with DouyinInvalidInput and sends nothing", () =>
    Effect.gen(function*() {
      const send = yield* Endpoint.handler(Send)
      const error = yield* Effect.flip(send({ openId: "op-1", groupId: "", text: "hi" }))
      expect(error._tag).toBe("DouyinInvalidInput")
      expect(error.message).toContain("test/Send")
      expect(yield* DouyinTest.requests).toHaveLength(0)
    }).pipe(Effect.provide(DouyinTest.layerClient([]))))
})
