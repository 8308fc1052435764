/**
 * Deletes a lead-collection card (删除留资卡片).
 *
 * - Endpoint: `GET /im/del/retain_consult_card/` (query `open_id`, `card_id`; no body)
 * - Scope: `im.message_card`
 * - Idempotency: `convergent` — deleting a deleted card leaves the same state
 * - Errors: {@link Error}
 *
 * **The method is uncertain**: the vendor's own generated SDK sends GET, two peer SDKs send
 * POST (with `card_id` still in the query). This follows the vendor SDK; if Douyin answers
 * GET with 405, change `method` in {@link descriptor} to `"POST"`: `card_id` stays in the query
 * either way (its `query` field list), and the body is empty.
 *
 * @example
 * ```ts
 * import { DeleteLeadCard } from "@effect-douyin/group"
 *
 * const done = DeleteLeadCard.remove({ openId: "creator-open-id", cardId: "@card-id" })
 * ```
 *
 * @since 0.3.0
 */
import { type DouyinError, Endpoint } from "@effect-douyin/core"
import * as Context from "effect/Context"
import type * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import { commonCodes } from "./internal/codes.js"
import { NoPayload, requiredString } from "./internal/schema.js"

/**
 * @since 0.3.0
 * @category models
 */
export interface Input {
  /** The operator who owns the card. */
  readonly openId: string
  readonly cardId: string
}

/**
 * Everything `remove` can fail with.
 *
 * @since 0.3.0
 * @category errors
 */
export type Error = DouyinError.ConvergentError

/**
 * Input ⇄ wire query `{ open_id, card_id }`.
 *
 * @since 0.3.0
 * @category schemas
 */
export const Request = Schema.Struct({
  openId: Endpoint.OpenId,
  cardId: requiredString("card_id")
})

/**
 * The endpoint descriptor.
 *
 * @since 0.3.0
 * @category descriptors
 */
export const descriptor = Endpoint.make({
  id: "media/DeleteLeadCard",
  scope: "im.message_card",
  idempotency: "convergent",
  envelope: "A",
  // The vendor SDK's method; the one line to change if Douyin wants POST (see the module note).
  method: "GET",
  path: "/im/del/retain_consult_card/",
  query: ["card_id"],
  request: Request,
  response: NoPayload,
  codes: commonCodes
})

/**
 * The delete-lead-card endpoint as a service.
 *
 * @since 0.3.0
 * @category tags
 */
export class DeleteLeadCard extends Context.Tag("@effect-douyin/group/DeleteLeadCard")<DeleteLeadCard, Service>() {}

/**
 * The service behind the `DeleteLeadCard` tag: one method, exactly
 * `Endpoint.Handler<typeof descriptor>` (checked by `Endpoint.service`).
 *
 * @since 0.3.0
 * @category models
 */
export interface Service {
  /** `GET /im/del/retain_consult_card/` — deletes a card (convergent). */
  readonly remove: (input: Input) => Effect.Effect<void, Error>
}

const parts = Endpoint.service(DeleteLeadCard, "remove", descriptor)

/**
 * Builds the `DeleteLeadCard` service over the provided `DouyinClient`.
 *
 * @since 0.3.0
 * @category constructors
 */
export const make = parts.make

/**
 * Provides `DeleteLeadCard` over the provided `DouyinClient`.
 *
 * @since 0.3.0
 * @category layers
 */
export const layer = parts.layer

/**
 * `GET /im/del/retain_consult_card/` through the provided `DeleteLeadCard`.
 * Scope `im.message_card`; idempotency `convergent`; fails with {@link Error}.
 *
 * @example
 * ```ts
 * import { DeleteLeadCard } from "@effect-douyin/group"
 *
 * const done = DeleteLeadCard.remove({ openId: "creator-open-id", cardId: "@card-id" })
 * ```
 *
 * @since 0.3.0
 * @category accessors
 */
export const remove = parts.accessor
