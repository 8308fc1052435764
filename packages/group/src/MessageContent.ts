/**
 * Message content: one tagged union for every message the fan-group endpoints send, with
 * constructors, and two wire Schemas that accept only what each endpoint allows
 * (docs/wire.md#message-content):
 *
 * | variant        | wire `msg_type` | variant key            | `GroupMessageContent` (send) | `SettingMessageContent` (welcome/notice) |
 * |----------------|-----------------|------------------------|------------------------------|------------------------------------------|
 * | `Text`         | 1               | `text`                 | ✓                            | ✓                                        |
 * | `Image`        | 2               | `image`                | ✓                            | –                                        |
 * | `Video`        | 3               | `video`                | ✓                            | –                                        |
 * | `LeadCard`     | 8               | `retain_consult_card`  | ✓                            | –                                        |
 * | `AppletCard`   | 10              | `applet_card`          | ✓                            | ✓                                        |
 * | `AppletCoupon` | 11              | `applet_coupon`        | –                            | ✓                                        |
 *
 * A message encodes to `{ msg_type, <variant key>: {…} }` and nothing else.
 *
 * @example
 * ```ts
 * import { MessageContent } from "@effect-douyin/group"
 * const hello = MessageContent.text("Welcome!")
 * // { msg_type: 1, text: { text: "Welcome!" } } on the wire
 * ```
 *
 * @since 0.1.0
 */
import * as Schema from "effect/Schema"
import { NonBlankString } from "./internal/schema.js"
import type * as MediaId from "./MediaId.js"

const Required = Schema.NonEmptyTrimmedString

// ---------------------------------------------------------------------------
// variants (domain)
// ---------------------------------------------------------------------------

/**
 * A text message (`msg_type` 1).
 *
 * @since 0.1.0
 * @category models
 */
export const Text = Schema.TaggedStruct("Text", { text: NonBlankString }).annotations({
  identifier: "MessageContent.Text"
})

/**
 * @since 0.1.0
 * @category models
 */
export interface Text extends Schema.Schema.Type<typeof Text> {}

/**
 * An image (`msg_type` 2): `mediaId` from the image upload (`/tool/imagex/client_upload/`,
 * scope `tool.image.upload`).
 *
 * @since 0.1.0
 * @category models
 */
export const Image = Schema.TaggedStruct("Image", { mediaId: Required }).annotations({
  identifier: "MessageContent.Image"
})

/**
 * @since 0.1.0
 * @category models
 */
export interface Image extends Schema.Schema.Type<typeof Image> {}

/**
 * A video (`msg_type` 3): the encrypted video `itemId` (scope `video.list.bind`).
 *
 * @since 0.1.0
 * @category models
 */
export const Video = Schema.TaggedStruct("Video", { itemId: Required }).annotations({
  identifier: "MessageContent.Video"
})

/**
 * @since 0.1.0
 * @category models
 */
export interface Video extends Schema.Schema.Type<typeof Video> {}

/**
 * A lead-collection card, 留资卡片 (`msg_type` 8, wire key `retain_consult_card`), from
 * `/im/save/retain_consult_card/` (scope `im.message_card`).
 *
 * @since 0.1.0
 * @category models
 */
export const LeadCard = Schema.TaggedStruct("LeadCard", { cardId: Required }).annotations({
  identifier: "MessageContent.LeadCard"
})

/**
 * @since 0.1.0
 * @category models
 */
export interface LeadCard extends Schema.Schema.Type<typeof LeadCard> {}

/**
 * A mini-program guide card (`msg_type` 10, scope `im.microapp_card`). `path` and `schema`
 * are alternatives (at most one); `query` is sent as a JSON-encoded string.
 *
 * @since 0.1.0
 * @category models
 */
export const AppletCard = Schema.TaggedStruct("AppletCard", {
  cardTemplateId: Required,
  appId: Required,
  path: Schema.optional(Required),
  query: Schema.optional(Schema.Record({ key: Schema.String, value: Schema.Unknown })),
  schema: Schema.optional(Required),
  cardId: Schema.optional(Required)
}).pipe(
  Schema.filter((card) => card.path === undefined || card.schema === undefined, {
    message: () => "AppletCard: give either path or schema, not both"
  })
).annotations({ identifier: "MessageContent.AppletCard" })

/**
 * @since 0.1.0
 * @category models
 */
export interface AppletCard extends Schema.Schema.Type<typeof AppletCard> {}

/**
 * A mini-program coupon (`msg_type` 11); welcome messages and notices only.
 *
 * @since 0.1.0
 * @category models
 */
export const AppletCoupon = Schema.TaggedStruct("AppletCoupon", {
  activityId: Schema.Int.pipe(Schema.positive()),
  couponMetaId: Schema.Int.pipe(Schema.positive())
}).annotations({ identifier: "MessageContent.AppletCoupon" })

/**
 * @since 0.1.0
 * @category models
 */
export interface AppletCoupon extends Schema.Schema.Type<typeof AppletCoupon> {}

/**
 * Any message content.
 *
 * @since 0.1.0
 * @category models
 */
export type MessageContent = Text | Image | Video | LeadCard | AppletCard | AppletCoupon

/**
 * What `SendGroupMessage` accepts: text, image, video, lead card, applet card.
 *
 * @since 0.1.0
 * @category models
 */
export type GroupMessageContent = Text | Image | Video | LeadCard | AppletCard

/**
 * What `SetGroupSetting` accepts (welcome message, notice): text, applet card, applet coupon.
 *
 * @since 0.1.0
 * @category models
 */
export type SettingMessageContent = Text | AppletCard | AppletCoupon

// ---------------------------------------------------------------------------
// constructors
// ---------------------------------------------------------------------------

/**
 * @since 0.1.0
 * @category constructors
 */
export const text = (text: string): Text => ({ _tag: "Text", text })

/**
 * @since 0.1.0
 * @category constructors
 */
export const image = (mediaId: string): Image => ({ _tag: "Image", mediaId })

/**
 * @since 0.1.0
 * @category constructors
 */
export const video = (itemId: string): Video => ({ _tag: "Video", itemId })

/**
 * @since 0.1.0
 * @category constructors
 */
export const leadCard = (cardId: string): LeadCard => ({ _tag: "LeadCard", cardId })

/**
 * @example
 * ```ts
 * import { MessageContent } from "@effect-douyin/group"
 *
 * MessageContent.appletCard({ cardTemplateId: "@tpl", appId: "tt123", schema: "https://z.douyin.com/x" })
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const appletCard = (card: Omit<AppletCard, "_tag">): AppletCard => ({ _tag: "AppletCard", ...card })

/**
 * @since 0.1.0
 * @category constructors
 */
export const appletCoupon = (coupon: Omit<AppletCoupon, "_tag">): AppletCoupon => ({ _tag: "AppletCoupon", ...coupon })

/**
 * An image message of an image uploaded with `UploadImage` (its `imageId`).
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { MessageContent, UploadImage } from "@effect-douyin/group"
 *
 * const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])
 * const content = Effect.map(UploadImage.upload({ image: png }), (r) => MessageContent.uploadedImage(r.imageId))
 * ```
 *
 * @since 0.3.0
 * @category constructors
 */
export const uploadedImage = (imageId: MediaId.ImageId): Image => ({ _tag: "Image", mediaId: imageId })

/**
 * A lead-card message of a card saved with `SaveLeadCard` (its `cardId`).
 *
 * @since 0.3.0
 * @category constructors
 */
export const savedLeadCard = (cardId: MediaId.LeadCardId): LeadCard => ({ _tag: "LeadCard", cardId })

/**
 * An applet-card message of a template set with `SetAppletTemplate` (its `cardTemplateId`),
 * opening the mini-program `appId` at `path` or `schema`.
 *
 * @example
 * ```ts
 * import { MediaId, MessageContent } from "@effect-douyin/group"
 *
 * const templateId = MediaId.AppletTemplateId.make("@template-id")
 * MessageContent.appletTemplateCard(templateId, { appId: "tt123", schema: "https://z.douyin.com/x" })
 * ```
 *
 * @since 0.3.0
 * @category constructors
 */
export const appletTemplateCard = (
  cardTemplateId: MediaId.AppletTemplateId,
  card: Omit<AppletCard, "_tag" | "cardTemplateId">
): AppletCard => ({ _tag: "AppletCard", cardTemplateId, ...card })

// ---------------------------------------------------------------------------
// wire
// ---------------------------------------------------------------------------

const defined = <A extends Record<string, unknown>>(a: A): A =>
  Object.fromEntries(Object.entries(a).filter(([, v]) => v !== undefined)) as A

/**
 * `Text` ⇄ `{ msg_type: 1, text: { text } }`.
 *
 * @since 0.1.0
 * @category wire
 */
export const TextMessage = Schema.transform(
  Schema.Struct({ msg_type: Schema.Literal(1), text: Schema.Struct({ text: Schema.String }) }),
  Text,
  {
    strict: true,
    decode: (wire) => ({ _tag: "Text" as const, text: wire.text.text }),
    encode: (content) => ({ msg_type: 1 as const, text: { text: content.text } })
  }
)

/**
 * `Image` ⇄ `{ msg_type: 2, image: { media_id } }`.
 *
 * @since 0.1.0
 * @category wire
 */
export const ImageMessage = Schema.transform(
  Schema.Struct({ msg_type: Schema.Literal(2), image: Schema.Struct({ media_id: Schema.String }) }),
  Image,
  {
    strict: true,
    decode: (wire) => ({ _tag: "Image" as const, mediaId: wire.image.media_id }),
    encode: (content) => ({ msg_type: 2 as const, image: { media_id: content.mediaId } })
  }
)

/**
 * `Video` ⇄ `{ msg_type: 3, video: { item_id } }`.
 *
 * @since 0.1.0
 * @category wire
 */
export const VideoMessage = Schema.transform(
  Schema.Struct({ msg_type: Schema.Literal(3), video: Schema.Struct({ item_id: Schema.String }) }),
  Video,
  {
    strict: true,
    decode: (wire) => ({ _tag: "Video" as const, itemId: wire.video.item_id }),
    encode: (content) => ({ msg_type: 3 as const, video: { item_id: content.itemId } })
  }
)

/**
 * `LeadCard` ⇄ `{ msg_type: 8, retain_consult_card: { card_id } }`.
 *
 * @since 0.1.0
 * @category wire
 */
export const LeadCardMessage = Schema.transform(
  Schema.Struct({
    msg_type: Schema.Literal(8),
    retain_consult_card: Schema.Struct({ card_id: Schema.String })
  }),
  LeadCard,
  {
    strict: true,
    decode: (wire) => ({ _tag: "LeadCard" as const, cardId: wire.retain_consult_card.card_id }),
    encode: (content) => ({ msg_type: 8 as const, retain_consult_card: { card_id: content.cardId } })
  }
)

const AppletCardWire = Schema.Struct({
  card_template_id: Schema.String,
  app_id: Schema.String,
  path: Schema.optional(Schema.String),
  // a JSON-encoded object on the wire; a malformed one is a ParseError, never a defect
  query: Schema.optional(Schema.parseJson(Schema.Record({ key: Schema.String, value: Schema.Unknown }))),
  schema: Schema.optional(Schema.String),
  card_id: Schema.optional(Schema.String)
})

/**
 * `AppletCard` ⇄ `{ msg_type: 10, applet_card: { card_template_id, app_id, path?, query?, schema?, card_id? } }`
 * (`query` as a JSON string; unset fields omitted).
 *
 * @since 0.1.0
 * @category wire
 */
export const AppletCardMessage = Schema.transform(
  Schema.Struct({ msg_type: Schema.Literal(10), applet_card: AppletCardWire }),
  Schema.typeSchema(AppletCard),
  {
    strict: true,
    decode: (wire) => {
      const card = wire.applet_card
      return defined({
        _tag: "AppletCard" as const,
        cardTemplateId: card.card_template_id,
        appId: card.app_id,
        path: card.path,
        query: card.query,
        schema: card.schema,
        cardId: card.card_id
      })
    },
    encode: (content) => ({
      msg_type: 10 as const,
      applet_card: defined({
        card_template_id: content.cardTemplateId,
        app_id: content.appId,
        path: content.path,
        query: content.query,
        schema: content.schema,
        card_id: content.cardId
      })
    })
  }
)

/**
 * `AppletCoupon` ⇄ `{ msg_type: 11, applet_coupon: { activity_id, coupon_meta_id } }`.
 *
 * @since 0.1.0
 * @category wire
 */
export const AppletCouponMessage = Schema.transform(
  Schema.Struct({
    msg_type: Schema.Literal(11),
    applet_coupon: Schema.Struct({ activity_id: Schema.Number, coupon_meta_id: Schema.Number })
  }),
  AppletCoupon,
  {
    strict: true,
    decode: (wire) => ({
      _tag: "AppletCoupon" as const,
      activityId: wire.applet_coupon.activity_id,
      couponMetaId: wire.applet_coupon.coupon_meta_id
    }),
    encode: (content) => ({
      msg_type: 11 as const,
      applet_coupon: { activity_id: content.activityId, coupon_meta_id: content.couponMetaId }
    })
  }
)

/**
 * Any message content ⇄ its wire object (every `msg_type` this SDK knows).
 *
 * @since 0.1.0
 * @category wire
 */
export const MessageContent = Schema.Union(
  TextMessage,
  ImageMessage,
  VideoMessage,
  LeadCardMessage,
  AppletCardMessage,
  AppletCouponMessage
)

/**
 * The `content` of `POST /im/send/msg/group/`: msg_type 1, 2, 3, 8 or 10. Encoding any other
 * variant fails (so the request is never sent).
 *
 * @since 0.1.0
 * @category wire
 */
export const GroupMessageContent: Schema.Schema<GroupMessageContent, GroupMessageContentWire> = Schema.Union(
  TextMessage,
  ImageMessage,
  VideoMessage,
  LeadCardMessage,
  AppletCardMessage
)

/**
 * An item of `msg_list` in `POST /im/group/setting/set/`: msg_type 1, 10 or 11. Encoding any
 * other variant fails.
 *
 * @since 0.1.0
 * @category wire
 */
export const SettingMessageContent: Schema.Schema<SettingMessageContent, SettingMessageContentWire> = Schema.Union(
  TextMessage,
  AppletCardMessage,
  AppletCouponMessage
)

/**
 * @since 0.1.0
 * @category wire
 */
export type GroupMessageContentWire =
  | typeof TextMessage.Encoded
  | typeof ImageMessage.Encoded
  | typeof VideoMessage.Encoded
  | typeof LeadCardMessage.Encoded
  | typeof AppletCardMessage.Encoded

/**
 * @since 0.1.0
 * @category wire
 */
export type SettingMessageContentWire =
  | typeof TextMessage.Encoded
  | typeof AppletCardMessage.Encoded
  | typeof AppletCouponMessage.Encoded
