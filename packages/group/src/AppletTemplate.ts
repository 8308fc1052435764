/**
 * Mini-program guide-card templates, 小程序引导卡片模板: what an applet-card message
 * (`msg_type` 10) shows. Created or updated with `SetAppletTemplate`, listed with
 * `ListAppletTemplates`, deleted with `DeleteAppletTemplate`; each template is reviewed by
 * Douyin ({@link ReviewStatus}). These endpoints take the app's client token and answer in
 * envelope D (the payload inside `data`).
 *
 * Documented limits: per mini-program at most 100 000 templates and 5 000 create/update calls
 * per rolling 30 days; `title` and `content` at most 30 characters; the image 16:9 (240×135
 * recommended).
 *
 * @example
 * ```ts
 * import { AppletTemplate } from "@effect-douyin/group"
 *
 * const pending: AppletTemplate.ReviewStatus = "pending"
 * ```
 *
 * @since 0.3.0
 */
import * as Schema from "effect/Schema"
import { wireNumber } from "./internal/schema.js"
import * as MediaId from "./MediaId.js"

/**
 * The longest `title` and `content`, in characters.
 *
 * @since 0.3.0
 * @category constants
 */
export const maxTextLength = 30

/**
 * Douyin's review of a template: wire `status` 0 pending, 1 approved, 2 rejected.
 *
 * @since 0.3.0
 * @category models
 */
export type ReviewStatus = "pending" | "approved" | "rejected"

/**
 * {@link ReviewStatus} ⇄ its wire number.
 *
 * @since 0.3.0
 * @category schemas
 */
export const ReviewStatusFromNumber: Schema.Schema<ReviewStatus, 0 | 1 | 2> = Schema.transformLiterals(
  [0, "pending"],
  [1, "approved"],
  [2, "rejected"]
)

const optionalWire = <const K extends string>(key: K) => Schema.optional(Schema.String).pipe(Schema.fromKey(key))

/**
 * A template as `ListAppletTemplates` returns it (wire `data.list[]`). Times are epoch seconds.
 *
 * @since 0.3.0
 * @category schemas
 */
export const Template = Schema.Struct({
  cardTemplateId: Schema.propertySignature(MediaId.AppletTemplateId).pipe(Schema.fromKey("card_template_id")),
  cardType: wireNumber("card_type"),
  title: Schema.String,
  content: Schema.String,
  mediaId: Schema.propertySignature(MediaId.ImageId).pipe(Schema.fromKey("media_id")),
  status: ReviewStatusFromNumber,
  /** The mini-program's name. */
  name: Schema.optionalWith(Schema.String, { default: () => "" }),
  createTime: wireNumber("create_time"),
  updateTime: wireNumber("update_time"),
  appId: optionalWire("app_id"),
  appIconUrl: optionalWire("app_icon_url"),
  iconMediaId: optionalWire("icon_media_id"),
  rejectReasons: optionalWire("reject_reasons")
}).annotations({ identifier: "AppletTemplate.Template" })

/**
 * @since 0.3.0
 * @category models
 */
export interface Template extends Schema.Schema.Type<typeof Template> {}

/**
 * A template's `title` or `content`: non-blank, at most {@link maxTextLength} characters.
 *
 * @since 0.3.0
 * @category schemas
 */
export const ShortText = Schema.String.pipe(
  Schema.filter((s) => s.trim().length > 0, { message: () => "Expected a non-blank string" }),
  Schema.filter((s) => [...s].length <= maxTextLength, {
    message: (issue) => `Expected at most ${maxTextLength} characters, got ${[...String(issue.actual)].length}`
  })
).annotations({ identifier: "AppletTemplate.ShortText" })
