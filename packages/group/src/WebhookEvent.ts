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
 * | `MalformedEvent` | a known event whose body did not match its Schema (`issue` says why) | – |
 * | `UnknownEvent` | any other `event`, or a body without one | – |
 *
 * Every event names its people by their role: `ownerOpenId` (the group owner, whose token
 * reviews applications and sends), and `applicantOpenId` / `memberOpenId` / `senderOpenId`
 * for the other side; the envelope's raw `fromUserId` / `toUserId` stay for reference.
 * Codes are decoded into the domain's words (`FanGroup.ApplicationStatus`,
 * `FanGroup.GroupType`, {@link SceneType}, {@link CardStatus}).
 *
 * Leniency, because Douyin is inconsistent: `content` may be an object or a JSON-encoded
 * string; numbers may arrive as numeric strings; optional fields may be absent or `null`.
 * {@link decode} never fails: a known event it cannot type is a {@link MalformedEvent}, any
 * other an {@link UnknownEvent}.
 *
 * @since 0.1.0
 */
import { describeParseError } from "@effect-douyin/core/DouyinError"
import * as Either from "effect/Either"
import * as Schema from "effect/Schema"
import * as FanGroup from "./FanGroup.js"
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

/**
 * Why a group message was sent: wire `scene_type` `1` keyword auto-reply, `2` welcome message,
 * `100` other. A code this SDK does not know stays a number.
 *
 * @since 0.4.0
 * @category models
 */
export type SceneType = "keywordAutoReply" | "welcomeMessage" | "other"

/**
 * {@link SceneType} from its wire code (a number or a numeric string); an unknown code stays
 * the number.
 *
 * @since 0.4.0
 * @category schemas
 */
export const SceneType: Schema.Schema<SceneType | number, number | string> = Schema.Union(
  Schema.compose(LenientNumber, Schema.transformLiterals([1, "keywordAutoReply"], [2, "welcomeMessage"], [100, "other"])),
  LenientNumber
)

/**
 * The state of a lead card: wire `card_status` `1` blank, `2` completed. A code this SDK does
 * not know stays a number.
 *
 * @since 0.4.0
 * @category models
 */
export type CardStatus = "blank" | "completed"

/**
 * {@link CardStatus} from its wire code; an unknown code stays the number.
 *
 * @since 0.4.0
 * @category schemas
 */
export const CardStatus: Schema.Schema<CardStatus | number, number | string> = Schema.Union(
  Schema.compose(LenientNumber, Schema.transformLiterals([1, "blank"], [2, "completed"])),
  LenientNumber
)

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
  /** Why it was sent (wire `1`, `2`, `100`); an unknown code stays a number. */
  sceneType: optionalField("scene_type", SceneType),
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
 * A lead-collection card (留资卡片); `cardStatus` is `"blank"` or `"completed"`.
 *
 * @since 0.1.0
 * @category schemas
 */
export const RetainConsultCardMessage = Schema.Struct({
  ...messageCommon,
  messageType: field("message_type", Schema.Literal("retain_consult_card")),
  cardId: field("card_id", Schema.String),
  cardStatus: optionalField("card_status", CardStatus),
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
  /** The envelope's `from_user_id` as sent; prefer the role-named field of the event. */
  fromUserId: field("from_user_id", Schema.String),
  /** The envelope's `to_user_id` as sent; prefer the role-named field of the event. */
  toUserId: field("to_user_id", Schema.String),
  logId: optionalField("log_id", Schema.String)
}

/** The envelope's fields on the decoded side. */
const envelopeType = {
  clientKey: Schema.String,
  fromUserId: Schema.String,
  toUserId: Schema.String,
  logId: Schema.optional(Schema.String)
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

const messageEvent = <const E extends string>(event: E, ownerFallback: "fromUserId" | "toUserId") => {
  const wire = Schema.Struct({ event: Schema.Literal(event), ...envelope, content: objectOrJsonString(GroupMessage) })
  return Schema.transform(
    wire,
    Schema.Struct({
      event: Schema.Literal(event),
      ...envelopeType,
      content: Schema.typeSchema(GroupMessage),
      ownerOpenId: Schema.String,
      senderOpenId: Schema.String
    }),
    {
      strict: true,
      decode: (w) => ({ ...w, ownerOpenId: w.content.ownerId ?? w[ownerFallback], senderOpenId: w.fromUserId }),
      encode: ({ ownerOpenId: _owner, senderOpenId: _sender, ...w }) => w
    }
  )
}

/**
 * `im_group_receive_msg`: a member posted in a group of the authorized account.
 *
 * - `ownerOpenId`: the group owner, from `content.owner_id` (documented as the owner's
 *   open_id), else the envelope's `to_user_id` (the authorized account the delivery is for).
 * - `senderOpenId`: the envelope's `from_user_id`. The sources do not state which envelope
 *   side is the poster for message events; `content.userInfos` lists the member(s) shown.
 *
 * @since 0.1.0
 * @category schemas
 */
export const GroupMessageReceived = messageEvent("im_group_receive_msg", "toUserId").pipe(
  Schema.attachPropertySignature("_tag", "GroupMessageReceived")
)

/**
 * @since 0.1.0
 * @category models
 */
export interface GroupMessageReceived extends Schema.Schema.Type<typeof GroupMessageReceived> {}

/**
 * `im_group_send_msg`: the authorized account sent a group message (same content as a
 * received one). `ownerOpenId`: `content.owner_id`, else the envelope's `from_user_id`;
 * `senderOpenId`: the envelope's `from_user_id` (the sources do not describe this event's
 * envelope; the authorized account is assumed to be the sender).
 *
 * @since 0.1.0
 * @category schemas
 */
export const GroupMessageSent = messageEvent("im_group_send_msg", "fromUserId").pipe(
  Schema.attachPropertySignature("_tag", "GroupMessageSent")
)

/**
 * @since 0.1.0
 * @category models
 */
export interface GroupMessageSent extends Schema.Schema.Type<typeof GroupMessageSent> {}

/**
 * What `group_type` of a `group_fans_event` says: wire `1` the user joined. A code this SDK does
 * not know stays a number.
 *
 * @since 0.4.0
 * @category models
 */
export type FanEventType = "joined"

/**
 * {@link FanEventType} from its wire code; an unknown code stays the number.
 *
 * @since 0.4.0
 * @category schemas
 */
export const FanEventType: Schema.Schema<FanEventType | number, number | string> = Schema.Union(
  Schema.compose(LenientNumber, Schema.transformLiterals([1, "joined"])),
  LenientNumber
)

/**
 * `content` of `group_fans_event`.
 *
 * @since 0.1.0
 * @category schemas
 */
export const GroupFanJoinedContent = Schema.Struct({
  /**
   * Documented as the group owner's open_id, but in the recorded sample it equals the
   * envelope's `from_user_id` (the member): use the event's `ownerOpenId` / `memberOpenId`.
   */
  openId: field("open_id", Schema.String),
  imGroupId: field("im_group_id", Schema.String),
  /** `"joined"` (wire `1`). */
  groupType: field("group_type", FanEventType),
  /** The kind of group: `"streamer"` (wire `2`) or `"tenThousandFans"` (wire `5`, sent as the string `"5"`). */
  createGroupType: field("create_group_type", Schema.compose(LenientNumber, FanGroup.GroupType)),
  /** Epoch milliseconds. */
  createTime: field("create_time", LenientNumber)
})

/**
 * `group_fans_event`: a user joined an authorized fan group.
 *
 * - `ownerOpenId`: the group owner: the envelope's `to_user_id`, documented as the owner for
 *   this event (the authorized account the delivery is for).
 * - `memberOpenId`: the user who joined: the envelope's `from_user_id`, documented as the
 *   applicant.
 *
 * The sources disagree on `content.openId`: documented as the owner, it equals `from_user_id`
 * in the recorded sample. The envelope's direction, documented for this very event, decides.
 *
 * @since 0.1.0
 * @category schemas
 */
export const GroupFanJoined = Schema.transform(
  Schema.Struct({ event: Schema.Literal("group_fans_event"), ...envelope, content: objectOrJsonString(GroupFanJoinedContent) }),
  Schema.Struct({
    event: Schema.Literal("group_fans_event"),
    ...envelopeType,
    content: Schema.typeSchema(GroupFanJoinedContent),
    ownerOpenId: Schema.String,
    memberOpenId: Schema.String
  }),
  {
    strict: true,
    decode: (w) => ({ ...w, ownerOpenId: w.toUserId, memberOpenId: w.fromUserId }),
    encode: ({ memberOpenId: _member, ownerOpenId: _owner, ...w }) => w
  }
).pipe(Schema.attachPropertySignature("_tag", "GroupFanJoined"))

/**
 * @since 0.1.0
 * @category models
 */
export interface GroupFanJoined extends Schema.Schema.Type<typeof GroupFanJoined> {}

/**
 * `content` of `enter_group_audit_change`. `applyStatus` is the domain's
 * `FanGroup.ApplicationStatus` (`"pending"`, `"approved"`, `"rejected"`; wire `1`, `2`, `3`).
 *
 * @since 0.1.0
 * @category schemas
 */
export const EntryApplicationChangedContent = Schema.Struct({
  groupId: field("group_id", Schema.String),
  /** Pass to `ReviewEntryApplication`. */
  applyId: field("apply_id", Schema.String),
  applyStatus: field("apply_status", Schema.compose(LenientNumber, FanGroup.ApplicationStatus)),
  /** Wire key `user_nicker` (sic). */
  userNickname: optionalField("user_nicker", Schema.String),
  userAvatar: optionalField("user_avatar", Schema.String),
  /** Epoch milliseconds. */
  createTime: field("create_time", LenientNumber)
})

/**
 * `enter_group_audit_change`: a join application was created or changed.
 *
 * - `ownerOpenId`: the group owner, whose token must review the application
 *   (`ReviewEntryApplication` with `openId: event.ownerOpenId`): the envelope's `to_user_id`.
 * - `applicantOpenId`: the user who applied: the envelope's `from_user_id`.
 *
 * The sources document this direction (`from_user_id` = applicant, `to_user_id` = owner) for
 * `group_fans_event`, of the same scope, and describe no envelope for this event: the same
 * direction is assumed here. A delivery is sent to the authorized account (the owner), so
 * `ownerOpenId` is also the creator whose tokens your app holds; if the two ever disagree,
 * trust your token store.
 *
 * @since 0.1.0
 * @category schemas
 */
export const EntryApplicationChanged = Schema.transform(
  Schema.Struct({
    event: Schema.Literal("enter_group_audit_change"),
    ...envelope,
    content: objectOrJsonString(EntryApplicationChangedContent)
  }),
  Schema.Struct({
    event: Schema.Literal("enter_group_audit_change"),
    ...envelopeType,
    content: Schema.typeSchema(EntryApplicationChangedContent),
    ownerOpenId: Schema.String,
    applicantOpenId: Schema.String
  }),
  {
    strict: true,
    decode: (w) => ({ ...w, ownerOpenId: w.toUserId, applicantOpenId: w.fromUserId }),
    encode: ({ applicantOpenId: _applicant, ownerOpenId: _owner, ...w }) => w
  }
).pipe(Schema.attachPropertySignature("_tag", "EntryApplicationChanged"))

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
 * An event this SDK does not type (a new event, or a body without an `event` name). Never a
 * crash: the receiver acknowledges it and passes it to the `UnknownEvent` handler if one is
 * given.
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
}

/**
 * A known event (its `event` is one of {@link eventNames}) whose body did not match its
 * Schema: a field missing, a code outside the documented ones. The receiver logs it at warning
 * level and passes it to the `MalformedEvent` handler if one is given: most apps want to hear
 * of it, since it is an event they handle that they did not get.
 *
 * @since 0.4.0
 * @category models
 */
export interface MalformedEvent {
  readonly _tag: "MalformedEvent"
  /** The wire `event` name (a known one). */
  readonly event: KnownEventName
  readonly clientKey?: string
  /** The parsed JSON body as received. */
  readonly payload: unknown
  /** Why the body did not decode (paths and expectations, from the Schema). */
  readonly issue: string
}

/**
 * @since 0.1.0
 * @category models
 */
export type WebhookEvent = KnownEvent | MalformedEvent | UnknownEvent

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

/**
 * The wire `event` names this module types.
 *
 * @since 0.4.0
 * @category models
 */
export type KnownEventName = typeof eventNames[keyof typeof eventNames]

const schemaByName: Readonly<Record<KnownEventName, Schema.Schema<KnownEvent, unknown>>> = {
  verify_webhook: VerifyWebhook as Schema.Schema<KnownEvent, unknown>,
  im_group_receive_msg: GroupMessageReceived as Schema.Schema<KnownEvent, unknown>,
  im_group_send_msg: GroupMessageSent as Schema.Schema<KnownEvent, unknown>,
  group_fans_event: GroupFanJoined as Schema.Schema<KnownEvent, unknown>,
  enter_group_audit_change: EntryApplicationChanged as Schema.Schema<KnownEvent, unknown>
}

const clientKeyOf = (payload: unknown) =>
  isRecord(payload) && typeof payload.client_key === "string" ? { clientKey: payload.client_key } : {}

const unknownEvent = (event: string, payload: unknown): UnknownEvent => ({
  _tag: "UnknownEvent",
  event,
  payload,
  ...clientKeyOf(payload)
})

const malformedEvent = (event: KnownEventName, payload: unknown, issue: string): MalformedEvent => ({
  _tag: "MalformedEvent",
  event,
  payload,
  issue,
  ...clientKeyOf(payload)
})

const isKnownName = (name: string): name is KnownEventName => Object.prototype.hasOwnProperty.call(schemaByName, name)

/**
 * Types a parsed webhook body. Never fails: a known event whose fields do not match becomes a
 * {@link MalformedEvent}; an unknown `event`, or a body without one, an {@link UnknownEvent}.
 *
 * @example
 * ```ts
 * import { WebhookEvent } from "@effect-douyin/group"
 * const onDelivery = (rawBodyText: string) => {
 *   const event = WebhookEvent.decode(JSON.parse(rawBodyText))
 *   if (event._tag === "EntryApplicationChanged") {
 *     console.log(`${event.applicantOpenId} → group of ${event.ownerOpenId}: ${event.content.applyStatus}`)
 *   }
 * }
 * ```
 *
 * @since 0.1.0
 * @category decoding
 */
export const decode = (payload: unknown): WebhookEvent => {
  const name = isRecord(payload) && typeof payload.event === "string" ? payload.event : undefined
  if (name === undefined) return unknownEvent("", payload)
  if (!isKnownName(name)) return unknownEvent(name, payload)
  return Either.match(Schema.decodeUnknownEither(schemaByName[name], { errors: "first" })(payload), {
    onLeft: (error) => malformedEvent(name, payload, describeParseError(error)),
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
