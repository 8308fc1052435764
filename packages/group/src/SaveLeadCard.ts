/**
 * Creates or updates a lead-collection card, 留资卡片 (创建/更新留资卡片), for lead-card
 * messages (`MessageContent.savedLeadCard`).
 *
 * - Endpoint: `POST /im/save/retain_consult_card/` (query `open_id`; JSON `{ card_id?, title,
 *   media_id, components }`)
 * - Scope: `im.message_card`
 * - Idempotency: `unsafe` — a create has no idempotency key: repeated after a lost answer it
 *   makes a second card, so an ambiguous failure is `DouyinOutcomeUnknown`, never retried
 *   (list the cards with `ListLeadCards` to reconcile)
 * - Errors: {@link Error}
 * - Checked before sending: a non-blank `title`, a `mediaId` (from `UploadImage`; 263×120
 *   recommended), 1 to 3 distinct `components`
 *
 * The numbering of `components` on the wire is uncertain in the sources: see `LeadCard`.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { MessageContent, SaveLeadCard } from "@effect-douyin/group"
 *
 * const card = SaveLeadCard.save({
 *   openId: "creator-open-id",
 *   title: "Book a visit",
 *   mediaId: "@image-id",
 *   components: ["name", "phone"]
 * }).pipe(Effect.map(({ cardId }) => MessageContent.savedLeadCard(cardId)))
 * ```
 *
 * @since 0.3.0
 */
import { type DouyinError, Endpoint } from "@effect-douyin/core"
import * as Context from "effect/Context"
import type * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import { commonCodes } from "./internal/codes.js"
import { requiredString, requiredText } from "./internal/schema.js"
import * as LeadCard from "./LeadCard.js"
import * as MediaId from "./MediaId.js"

/**
 * @since 0.3.0
 * @category models
 */
export interface Input {
  /** The operator who owns the card. */
  readonly openId: string
  /** Set to update that card; omit to create one. */
  readonly cardId?: string | undefined
  readonly title: string
  /** An uploaded image's id (`UploadImage`). */
  readonly mediaId: string
  /** The fields the card collects: 1 to 3, each at most once. */
  readonly components: ReadonlyArray<LeadCard.Component>
}

/**
 * @since 0.3.0
 * @category models
 */
export interface Output {
  readonly cardId: MediaId.LeadCardId
}

/**
 * Everything `save` can fail with (`unsafe`: includes `DouyinOutcomeUnknown`).
 *
 * @since 0.3.0
 * @category errors
 */
export type Error = DouyinError.UnsafeError

const Components = Schema.Array(LeadCard.ComponentFromNumber).pipe(
  Schema.filter((cs) => {
    if (cs.length === 0) return "at least one component is required"
    if (cs.length > LeadCard.maxComponents) return `at most ${LeadCard.maxComponents} components are allowed, got ${cs.length}`
    return new Set(cs).size === cs.length ? true : "each component may appear only once"
  })
)

/**
 * Input ⇄ wire query `open_id` and body `{ card_id?, title, media_id, components }`.
 *
 * @since 0.3.0
 * @category schemas
 */
export const Request = Schema.Struct({
  openId: Endpoint.OpenId,
  cardId: Schema.optional(Schema.NonEmptyTrimmedString).pipe(Schema.fromKey("card_id")),
  title: requiredText("title"),
  mediaId: requiredString("media_id"),
  components: Components
})

/**
 * Wire body `{ card_id }` ⇄ `Output`.
 *
 * @since 0.3.0
 * @category schemas
 */
export const Response = Schema.Struct({
  cardId: Schema.propertySignature(MediaId.LeadCardId).pipe(Schema.fromKey("card_id"))
})

/**
 * The endpoint descriptor.
 *
 * @since 0.3.0
 * @category descriptors
 */
export const descriptor = Endpoint.make({
  id: "media/SaveLeadCard",
  scope: "im.message_card",
  idempotency: "unsafe",
  envelope: "A",
  method: "POST",
  path: "/im/save/retain_consult_card/",
  request: Request,
  response: Response,
  codes: commonCodes
})

/**
 * The save-lead-card endpoint as a service.
 *
 * @since 0.3.0
 * @category tags
 */
export class SaveLeadCard extends Context.Tag("@effect-douyin/group/SaveLeadCard")<SaveLeadCard, Service>() {}

/**
 * The service behind the `SaveLeadCard` tag: one method, exactly
 * `Endpoint.Handler<typeof descriptor>` (checked by `Endpoint.service`).
 *
 * @since 0.3.0
 * @category models
 */
export interface Service {
  /** `POST /im/save/retain_consult_card/` — creates or updates a card (unsafe). */
  readonly save: (input: Input) => Effect.Effect<Output, Error>
}

const parts = Endpoint.service(SaveLeadCard, "save", descriptor)

/**
 * Builds the `SaveLeadCard` service over the provided `DouyinClient`.
 *
 * @since 0.3.0
 * @category constructors
 */
export const make = parts.make

/**
 * Provides `SaveLeadCard` over the provided `DouyinClient`.
 *
 * @since 0.3.0
 * @category layers
 */
export const layer = parts.layer

/**
 * `POST /im/save/retain_consult_card/` through the provided `SaveLeadCard`.
 * Scope `im.message_card`; idempotency `unsafe`; fails with {@link Error}.
 *
 * @example
 * ```ts
 * import { SaveLeadCard } from "@effect-douyin/group"
 *
 * const saved = SaveLeadCard.save({ openId: "creator-open-id", title: "Book a visit", mediaId: "@img", components: ["phone"] })
 * ```
 *
 * @since 0.3.0
 * @category accessors
 */
export const save = parts.accessor
