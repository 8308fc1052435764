import { describe, expect, it } from "@effect/vitest"
import { Effect, Schema } from "effect"
import { DouyinTest, Endpoint } from "../src/index.js"

// A descriptor shaped like the fan-group endpoints, local to this test.
const Count = Endpoint.make({
  id: "test/Count",
  method: "GET",
  path: "/im/group/count/",
  scope: "im.group_fans.create_list",
  idempotency: "read",
  envelope: "A",
  request: Schema.Struct({ openId: Endpoint.OpenId }),
  response: Schema.Struct({ leftCount: Schema.propertySignature(Schema.Number).pipe(Schema.fromKey("left_count")) }),
  codes: []
})

const Send = Endpoint.make({
  id: "test/Send",
  method: "POST",
  path: "/im/send/msg/group/",
  scope: "im.group_message",
  idempotency: "unsafe",
  envelope: "A",
  request: Schema.Struct({
    openId: Endpoint.OpenId,
    groupId: Schema.propertySignature(Schema.NonEmptyString).pipe(Schema.fromKey("group_id")),
    text: Schema.String
  }),
  response: Schema.Struct({ msgId: Schema.propertySignature(Schema.String).pipe(Schema.fromKey("msg_id")) }),
  codes: []
})

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
