/**
 * The ids that message content refers to, as Douyin returns them: an uploaded image
 * (`UploadImage`), a lead card (`SaveLeadCard`) and a mini-program card template
 * (`SetAppletTemplate`). Each is a branded string, so an id of one kind cannot be passed where
 * another is expected; `MessageContent.uploadedImage`, `.savedLeadCard` and
 * `.appletTemplateCard` take them. An id kept elsewhere (a database) is branded again with
 * `ImageId.make(…)` etc. after reading it.
 *
 * The video `item_id` (`MessageContent.video`) has no producer here: its source, the account
 * video list (`GET /api/douyin/v1/video/video_list/`), was reported offline in 2025 (error
 * 28001056, "该能力API已下线"); see `docs/media.md`.
 *
 * @example
 * ```ts
 * import { MediaId } from "@effect-douyin/group"
 *
 * const id = MediaId.ImageId.make("@8hxdhauTCMppanGnM4ltGM/V/x1w==")
 * ```
 *
 * @since 0.3.0
 */
import * as Schema from "effect/Schema"

/**
 * An uploaded image's `image_id`: a message's `image.media_id`, a lead card's or template's
 * `media_id`, a group's `avatar_uri`.
 *
 * @since 0.3.0
 * @category schemas
 */
export const ImageId = Schema.String.pipe(Schema.brand("@effect-douyin/group/ImageId"))

/**
 * @since 0.3.0
 * @category models
 */
export type ImageId = typeof ImageId.Type

/**
 * A lead card's `card_id` (a message's `retain_consult_card.card_id`).
 *
 * @since 0.3.0
 * @category schemas
 */
export const LeadCardId = Schema.String.pipe(Schema.brand("@effect-douyin/group/LeadCardId"))

/**
 * @since 0.3.0
 * @category models
 */
export type LeadCardId = typeof LeadCardId.Type

/**
 * A mini-program card template's `card_template_id` (a message's `applet_card.card_template_id`).
 *
 * @since 0.3.0
 * @category schemas
 */
export const AppletTemplateId = Schema.String.pipe(Schema.brand("@effect-douyin/group/AppletTemplateId"))

/**
 * @since 0.3.0
 * @category models
 */
export type AppletTemplateId = typeof AppletTemplateId.Type
