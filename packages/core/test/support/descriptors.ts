// Local descriptors shaped like the fan-group endpoints, so core tests need no other package.
import { Schema } from "effect"
import { Endpoint } from "../../src/index.js"

const wire = <S extends Schema.Schema.Any, K extends string>(schema: S, key: K) =>
  Schema.propertySignature(schema).pipe(Schema.fromKey(key))

export const Count = Endpoint.make({
  id: "test/Count",
  method: "GET",
  path: "/im/group/count/",
  scope: "im.group_fans.create_list",
  idempotency: "read",
  envelope: "A",
  request: Schema.Struct({ openId: Endpoint.OpenId }),
  response: Schema.Struct({ leftCount: wire(Schema.Number, "left_count") }),
  codes: []
})

export const Send = Endpoint.make({
  id: "test/Send",
  method: "POST",
  path: "/im/send/msg/group/",
  scope: "im.group_message",
  idempotency: "unsafe",
  envelope: "A",
  request: Schema.Struct({
    openId: Endpoint.OpenId,
    groupId: wire(Schema.NonEmptyString, "group_id"),
    text: Schema.String
  }),
  response: Schema.Struct({ msgId: wire(Schema.String, "msg_id") }),
  codes: []
})

export const Recall = Endpoint.make({
  id: "test/Recall",
  method: "POST",
  path: "/im/recall/msg/",
  scope: "im.recall_message",
  idempotency: "convergent",
  envelope: "B",
  request: Schema.Struct({ openId: Endpoint.OpenId, msgId: wire(Schema.NonEmptyString, "msg_id") }),
  response: Schema.Struct({}),
  codes: []
})
