/**
 * Typed webhook events for fan groups (docs/wire.md#events), decoded from Douyin's wire
 * JSON into camelCase values tagged with `_tag`:
 *
 * | `_tag` | wire `event` | scope |
 * |---|---|---|
 * | `VerifyWebhook` | `verify_webhook` | – (URL verification; answered by the handler) |
 * | `GroupMessageReceived` | `im_group_receive_msg` | `im.group_message` |
 * | `GroupMessageSent` | `im_group_send_msg` | `im.group_message` |
 * | `GroupFanJoined` | `group_fans_event` | `im.group_fans.create_list` |
 * | `EntryApplicationChanged` | `enter_group_audit_change` | `im.group_fans.create_list` |
 * | `UnknownEvent` | anything else, or a known event whose body did not match | – |
 *
 * Leniency, because Douyin is inconsistent: `content` may be an object or a JSON-encoded
 * string; numbers may arrive as numeric strings; optional fields may be absent or `null`.
 * {@link decode} never fails: what it cannot type becomes an {@link UnknownEvent}.
 *
 * @since 0.1.0
 */
import { describeParseError } from "@effect-douyin/core/DouyinError"
import * as Either from "effect/Either"
import * as Schema from "effect/Schema"
import { field, isRecord, LenientNumber, objectOrJsonString, optionalField } from "./internal/webhookWire.js"

// -----------------------------------------------------------------------------
// group message content
// -----------------------------------------------------------------------------

/**
 * A member shown in a group message event.
 *
 * @since 0.1.0
 * @category schemas
 */
export const UserInfo = Schema.Struct({
  openId: field("open_id", Schema.String),
  nickName: optionalField("nick_name", Schema.String),
  avatar: optionalField("avatar", Schema.String)
})

/**
 * @since 0.1.0
 * @category models
 */
export interface UserInfo extends Schema.Schema.Type<typeof UserInfo> {}

/**
 * One label/value pair of a filled-in lead card.
 *
 * @since 0.1.0
 * @category schemas
 */
export const CardData = Schema.Struct({
  label: Schema.String,
  value: Schema.String
})

/**
 * @since 0.1.0
 * @category models
 */
export interface CardData extends Schema.Schema.Type<typeof CardData> {}

const messageCommon = {
  /** The group conversation id (use as `conversation_id` to recall). */
  conversationShortId: field("conversation_short_id", Schema.String),
  /** The message id (use as `msg_id` to recall). */
  serverMessageId: field("server_message_id", Schema.String),
  /** `2` for a group. */
  conversationType: field("conversation_type", LenientNumber),
  /** Epoch milliseconds. */
  createTime: field("create_time", LenientNumber),
  /** The group owner's open_id. */
  ownerId: optionalField("owner_id", Schema.String),
  /** `1` keyword auto-reply, `2` welcome message, `100` other. */
  sceneType: optionalField("scene_type", LenientNumber),
  /** The client_key of the app that sent it through the API; empty when sent from the app UI. */
  source: optionalField("source", Schema.String),
  userInfos: optionalField("user_infos", Schema.Array(UserInfo))
}

/**
 * The `message_type` values with a typed variant; any other value decodes to
 * {@link OtherMessage}.
 *
 * @since 0.1.0
 * @category constants
 */
export const knownMessageTypes = ["text", "image", "emoji", "video", "retain_consult_card"] as const

const resourceFields = {
  resourceType: optionalField("resource_type", Schema.String),
  resourceUrl: optionalField("resource_url", Schema.String),
  resourceWidth: optionalField("resource_width", LenientNumber),
  resourceHeight: optionalField("resource_height", LenientNumber)
}

/**
 * @since 0.1.0
 * @category schemas
 */
export const TextMessage = Schema.Struct({
  ...messageCommon,
  messageType: field("message_type", Schema.Literal("text")),
  text: Schema.String
}).pipe(Schema.attachPropertySignature("_tag", "Text"))

/**
 * @since 0.1.0
 * @category models
 */
export interface TextMessage extends Schema.Schema.Type<typeof TextMessage> {}

/**
 * @since 0.1.0
 * @category schemas
 */
export const ImageMessage = Schema.Struct({
  ...messageCommon,
  messageType: field("message_type", Schema.Literal("image")),
  ...resourceFields
}).pipe(Schema.attachPropertySignature("_tag", "Image"))

/**
 * @since 0.1.0
 * @category models
 */
export interface ImageMessage extends Schema.Schema.Type<typeof ImageMessage> {}

/**
 * @since 0.1.0
 * @category schemas
 */
export const EmojiMessage = Schema.Struct({
  ...messageCommon,
  messageType: field("message_type", Schema.Literal("emoji")),
  ...resourceFields
}).pipe(Schema.attachPropertySignature("_tag", "Emoji"))

/**
 * @since 0.1.0
 * @category models
 */
export interface EmojiMessage extends Schema.Schema.Type<typeof EmojiMessage> {}

/**
 * @since 0.1.0
 * @category schemas
 */
export const VideoMessage = Schema.Struct({
  ...messageCommon,
  messageType: field("message_type", Schema.Literal("video")),
  itemId: field("item_id", Schema.String)
}).pipe(Schema.attachPropertySignature("_tag", "Video"))

/**
 * @since 0.1.0
 * @category models
 */
export interface VideoMessage extends Schema.Schema.Type<typeof VideoMessage> {}

/**
 * A lead-collection card (留资卡片). `cardStatus`: `1` blank, `2` completed.
 *
 * @since 0.1.0
 * @category schemas
 */
export const RetainConsultCardMessage = Schema.Struct({
  ...messageCommon,
  messageType: field("message_type", Schema.Literal("retain_consult_card")),
  cardId: field("card_id", Schema.String),
  cardStatus: optionalField("card_status", LenientNumber),
  cardData: optionalField("card_data", Schema.Array(CardData))
}).pipe(Schema.attachPropertySignature("_tag", "RetainConsultCard"))

/**
 * @since 0.1.0
 * @category models
 */
export interface RetainConsultCardMessage extends Schema.Schema.Type<typeof RetainConsultCardMessage> {}

/**
 * Any other `message_type` (`other`, `user_local_image`, `user_local_video`, future ones):
 * the common fields only. The full payload is on the handler's `Delivery`.
 *
 * @since 0.1.0
 * @category schemas
 */
export const OtherMessage = Schema.Struct({
  ...messageCommon,
  messageType: field(
    "message_type",
    Schema.String.pipe(
      Schema.filter((t) => !(knownMessageTypes as ReadonlyArray<string>).includes(t), {
        message: () => "a known message_type whose fields did not match"
      })
    )
  )
}).pipe(Schema.attachPropertySignature("_tag", "Other"))

/**
 * @since 0.1.0
 * @category models
 */
export interface OtherMessage extends Schema.Schema.Type<typeof OtherMessage> {}

/**
 * The `content` of a group message event, by `message_type`; narrow on `_tag`.
 *
 * @since 0.1.0
 * @category schemas
 */
export const GroupMessage = Schema.Union(
  TextMessage,
  ImageMessage,
  EmojiMessage,
  VideoMessage,
  RetainConsultCardMessage,
  OtherMessage
)

/**
 * @since 0.1.0
 * @category models
 */
export type GroupMessage =
  | TextMessage
  | ImageMessage
  | EmojiMessage
  | VideoMessage
  | RetainConsultCardMessage
  | OtherMessage

// -----------------------------------------------------------------------------
// events
// -----------------------------------------------------------------------------

const envelope = {
  clientKey: field("client_key", Schema.String),
  fromUserId: field("from_user_id", Schema.String),
  toUserId: field("to_user_id", Schema.String),
  logId: optionalField("log_id", Schema.String)
}

/**
 * URL verification: answer `{"challenge": <the same value>}`. The handler does this itself.
 *
 * @since 0.1.0
 * @category schemas
 */
export const VerifyWebhook = Schema.Struct({
  event: Schema.Literal("verify_webhook"),
  clientKey: optionalField("client_key", Schema.String),
  content: objectOrJsonString(Schema.Struct({ challenge: Schema.Union(Schema.Number, Schema.String) }))
}).pipe(Schema.attachPropertySignature("_tag", "VerifyWebhook"))

/**
 * @since 0.1.0
 * @category models
 */
export interface VerifyWebhook extends Schema.Schema.Type<typeof VerifyWebhook> {}

/**
 * `im_group_receive_msg`: a member posted in a group of the authorized account.
 *
 * @since 0.1.0
 * @category schemas
 */
export const GroupMessageReceived = Schema.Struct({
  event: Schema.Literal("im_group_receive_msg"),
  ...envelope,
  content: objectOrJsonString(GroupMessage)
}).pipe(Schema.attachPropertySignature("_tag", "GroupMessageReceived"))

/**
 * @since 0.1.0
 * @category models
 */
export interface GroupMessageReceived extends Schema.Schema.Type<typeof GroupMessageReceived> {}

/**
 * `im_group_send_msg`: the authorized account sent a group message (same content as a
 * received one).
 *
 * @since 0.1.0
 * @category schemas
 */
export const GroupMessageSent = Schema.Struct({
  event: Schema.Literal("im_group_send_msg"),
  ...envelope,
  content: objectOrJsonString(GroupMessage)
}).pipe(Schema.attachPropertySignature("_tag", "GroupMessageSent"))

/**
 * @since 0.1.0
 * @category models
 */
export interface GroupMessageSent extends Schema.Schema.Type<typeof GroupMessageSent> {}

/**
 * `content` of `group_fans_event`.
 *
 * @since 0.1.0
 * @category schemas
 */
export const GroupFanJoinedContent = Schema.Struct({
  /** The group owner's open_id. */
  openId: field("open_id", Schema.String),
  imGroupId: field("im_group_id", Schema.String),
  /** `1` = joined. */
  groupType: field("group_type", LenientNumber),
  /** `2` streamer fan group, `5` 10k-fan group (arrives as the string `"5"`). */
  createGroupType: field("create_group_type", Schema.compose(LenientNumber, Schema.Literal(2, 5))),
  /** Epoch milliseconds. */
  createTime: field("create_time", LenientNumber)
})

/**
 * `group_fans_event`: a user joined an authorized fan group. `fromUserId` is the member,
 * `toUserId` the owner.
 *
 * @since 0.1.0
 * @category schemas
 */
export const GroupFanJoined = Schema.Struct({
  event: Schema.Literal("group_fans_event"),
  ...envelope,
  content: objectOrJsonString(GroupFanJoinedContent)
}).pipe(Schema.attachPropertySignature("_tag", "GroupFanJoined"))

/**
 * @since 0.1.0
 * @category models
 */
export interface GroupFanJoined extends Schema.Schema.Type<typeof GroupFanJoined> {}

/**
 * `content` of `enter_group_audit_change`. `applyStatus`: `1` pending, `2` approved,
 * `3` rejected.
 *
 * @since 0.1.0
 * @category schemas
 */
export const EntryApplicationChangedContent = Schema.Struct({
  groupId: field("group_id", Schema.String),
  /** Pass to `ReviewEntryApplication`. */
  applyId: field("apply_id", Schema.String),
  applyStatus: field("apply_status", Schema.compose(LenientNumber, Schema.Literal(1, 2, 3))),
  /** Wire key `user_nicker` (sic). */
  userNickname: optionalField("user_nicker", Schema.String),
  userAvatar: optionalField("user_avatar", Schema.String),
  /** Epoch milliseconds. */
  createTime: field("create_time", LenientNumber)
})

/**
 * `enter_group_audit_change`: a join application was created or changed.
 *
 * @since 0.1.0
 * @category schemas
 */
export const EntryApplicationChanged = Schema.Struct({
  event: Schema.Literal("enter_group_audit_change"),
  ...envelope,
  content: objectOrJsonString(EntryApplicationChangedContent)
}).pipe(Schema.attachPropertySignature("_tag", "EntryApplicationChanged"))

/**
 * @since 0.1.0
 * @category models
 */
export interface EntryApplicationChanged extends Schema.Schema.Type<typeof EntryApplicationChanged> {}

/**
 * Every event this module types, as one Schema (wire JSON ⇄ tagged value). Encoding gives
 * the wire body with `content` as an object, e.g. to build test deliveries.
 *
 * @since 0.1.0
 * @category schemas
 */
export const KnownEvent = Schema.Union(
  VerifyWebhook,
  GroupMessageReceived,
  GroupMessageSent,
  GroupFanJoined,
  EntryApplicationChanged
)

/**
 * @since 0.1.0
 * @category models
 */
export type KnownEvent =
  | VerifyWebhook
  | GroupMessageReceived
  | GroupMessageSent
  | GroupFanJoined
  | EntryApplicationChanged

/**
 * An event this SDK does not type, or a known event whose body did not match its Schema
 * (then `issue` says why). Never a crash: the handler acknowledges it and passes it to the
 * `UnknownEvent` handler if one is given.
 *
 * @since 0.1.0
 * @category models
 */
export interface UnknownEvent {
  readonly _tag: "UnknownEvent"
  /** The wire `event` name; `""` when the body had none. */
  readonly event: string
  readonly clientKey?: string
  /** The parsed JSON body as received. */
  readonly payload: unknown
  /** Present when `event` is known but the body did not decode. */
  readonly issue?: string
}

/**
 * @since 0.1.0
 * @category models
 */
export type WebhookEvent = KnownEvent | UnknownEvent

/**
 * @since 0.1.0
 * @category models
 */
export type Tag = WebhookEvent["_tag"]

/**
 * The wire `event` name of each typed event.
 *
 * @since 0.1.0
 * @category constants
 */
export const eventNames = {
  VerifyWebhook: "verify_webhook",
  GroupMessageReceived: "im_group_receive_msg",
  GroupMessageSent: "im_group_send_msg",
  GroupFanJoined: "group_fans_event",
  EntryApplicationChanged: "enter_group_audit_change"
} as const satisfies Record<KnownEvent["_tag"], string>

const schemaByName: Readonly<Record<string, Schema.Schema<KnownEvent, unknown>>> = {
  verify_webhook: VerifyWebhook as Schema.Schema<KnownEvent, unknown>,
  im_group_receive_msg: GroupMessageReceived as Schema.Schema<KnownEvent, unknown>,
  im_group_send_msg: GroupMessageSent as Schema.Schema<KnownEvent, unknown>,
  group_fans_event: GroupFanJoined as Schema.Schema<KnownEvent, unknown>,
  enter_group_audit_change: EntryApplicationChanged as Schema.Schema<KnownEvent, unknown>
}

const unknownEvent = (event: string, payload: unknown, issue?: string): UnknownEvent => {
  const clientKey = isRecord(payload) && typeof payload.client_key === "string" ? payload.client_key : undefined
  return {
    _tag: "UnknownEvent",
    event,
    payload,
    ...(clientKey === undefined ? {} : { clientKey }),
    ...(issue === undefined ? {} : { issue })
  }
}

/**
 * Types a parsed webhook body. Never fails: an unknown `event`, a body without one, or a
 * known event whose fields do not match becomes an {@link UnknownEvent}.
 *
 * @example
 * ```ts
 * import { WebhookEvent } from "@effect-douyin/group"
 * const onDelivery = (rawBodyText: string) => {
 *   const event = WebhookEvent.decode(JSON.parse(rawBodyText))
 *   if (event._tag === "EntryApplicationChanged") console.log(event.content.applyId)
 * }
 * ```
 *
 * @since 0.1.0
 * @category decoding
 */
export const decode = (payload: unknown): WebhookEvent => {
  const name = isRecord(payload) && typeof payload.event === "string" ? payload.event : undefined
  if (name === undefined) return unknownEvent("", payload, "the body has no string `event` field")
  const schema = Object.prototype.hasOwnProperty.call(schemaByName, name) ? schemaByName[name] : undefined
  if (schema === undefined) return unknownEvent(name, payload)
  return Either.match(Schema.decodeUnknownEither(schema, { errors: "first" })(payload), {
    onLeft: (error) => unknownEvent(name, payload, describeParseError(error)),
    onRight: (event) => event
  })
}

/**
 * The wire JSON of a typed event (`content` as an object).
 *
 * @since 0.1.0
 * @category encoding
 */
export const encode = (event: KnownEvent): unknown => Schema.encodeSync(KnownEvent)(event)
