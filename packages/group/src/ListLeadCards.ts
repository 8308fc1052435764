/**
 * Lists the operator's lead-collection cards with their review status (查询留资卡片).
 *
 * - Endpoint: `GET /im/get/retain_consult_card/` (query `open_id`; no paging)
 * - Scope: `im.message_card`
 * - Idempotency: `read`
 * - Errors: {@link Error}
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { ListLeadCards } from "@effect-douyin/group"
 *
 * const approved = ListLeadCards.list({ openId: "creator-open-id" }).pipe(
 *   Effect.map(({ cards }) => cards.filter((c) => c.status === "approved"))
 * )
 * ```
 *
 * @since 0.3.0
 */
import { type DouyinError, Endpoint } from "@effect-douyin/core"
import * as Context from "effect/Context"
import type * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import { commonCodes } from "./internal/codes.js"
import { listOrEmpty, OperatorOnly } from "./internal/schema.js"
import * as LeadCard from "./LeadCard.js"

/**
 * @since 0.3.0
 * @category models
 */
export interface Input {
  /** The operator whose cards are listed. */
  readonly openId: string
}

/**
 * @since 0.3.0
 * @category models
 */
export interface Output {
  readonly cards: ReadonlyArray<LeadCard.Card>
}

/**
 * Everything `list` can fail with.
 *
 * @since 0.3.0
 * @category errors
 */
export type Error = DouyinError.ReadError

/**
 * Wire body `{ cards }` (`null` or absent read as empty) ⇄ `Output`.
 *
 * @since 0.3.0
 * @category schemas
 */
export const Response = Schema.Struct({
  cards: listOrEmpty(LeadCard.Card)
})

/**
 * The endpoint descriptor.
 *
 * @since 0.3.0
 * @category descriptors
 */
export const descriptor = Endpoint.make({
  id: "media/ListLeadCards",
  scope: "im.message_card",
  idempotency: "read",
  envelope: "A",
  method: "GET",
  path: "/im/get/retain_consult_card/",
  request: OperatorOnly,
  response: Response,
  codes: commonCodes
})

/**
 * The list-lead-cards endpoint as a service.
 *
 * @since 0.3.0
 * @category tags
 */
export class ListLeadCards extends Context.Tag("@effect-douyin/group/ListLeadCards")<ListLeadCards, Service>() {}

/**
 * The service behind the `ListLeadCards` tag: one method, exactly
 * `Endpoint.Handler<typeof descriptor>` (checked by `Endpoint.service`).
 *
 * @since 0.3.0
 * @category models
 */
export interface Service {
  /** `GET /im/get/retain_consult_card/` — the operator's cards. */
  readonly list: (input: Input) => Effect.Effect<Output, Error>
}

const parts = Endpoint.service(ListLeadCards, "list", descriptor)

/**
 * Builds the `ListLeadCards` service over the provided `DouyinClient`.
 *
 * @since 0.3.0
 * @category constructors
 */
export const make = parts.make

/**
 * Provides `ListLeadCards` over the provided `DouyinClient`.
 *
 * @since 0.3.0
 * @category layers
 */
export const layer = parts.layer

/**
 * `GET /im/get/retain_consult_card/` through the provided `ListLeadCards`.
 * Scope `im.message_card`; idempotency `read`; fails with {@link Error}.
 *
 * @example
 * ```ts
 * import { ListLeadCards } from "@effect-douyin/group"
 *
 * const cards = ListLeadCards.list({ openId: "creator-open-id" })
 * ```
 *
 * @since 0.3.0
 * @category accessors
 */
export const list = parts.accessor
