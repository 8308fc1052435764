/**
 * Lead-collection cards, 留资卡片: a card in a group message (`msg_type` 8) that asks fans
 * for their contact details. Created with `SaveLeadCard`, listed with `ListLeadCards`, deleted
 * with `DeleteLeadCard`; each card is reviewed by Douyin ({@link ReviewStatus}).
 *
 * **The meaning of the `components` numbers is uncertain**: the sources disagree (a peer SDK's
 * request documentation says 1 name, 2 phone, 3 city; its response documentation says 1
 * phone, 2 name, 3 city) and no official page settles it. The mapping is the one table
 * {@link componentCodes}; if Douyin's answer proves it wrong, that table is the one place to
 * change. Verify with a card you create before relying on which field is which.
 *
 * @example
 * ```ts
 * import { LeadCard } from "@effect-douyin/group"
 *
 * const fields: ReadonlyArray<LeadCard.Component> = ["name", "phone"]
 * ```
 *
 * @since 0.3.0
 */
import * as ParseResult from "effect/ParseResult"
import * as Schema from "effect/Schema"
import { wireString } from "./internal/schema.js"
import * as MediaId from "./MediaId.js"

/**
 * A field the card collects.
 *
 * @since 0.3.0
 * @category models
 */
export type Component = "name" | "phone" | "city"

/**
 * Each {@link Component}'s wire number (uncertain in the sources; see the module note). The
 * one table to change if Douyin's numbering proves different.
 *
 * @since 0.3.0
 * @category constants
 */
export const componentCodes: { readonly [C in Component]: number } = { name: 1, phone: 2, city: 3 }

/**
 * The most components a card has: each field at most once.
 *
 * @since 0.3.0
 * @category constants
 */
export const maxComponents = Object.keys(componentCodes).length

const byCode = new Map(Object.entries(componentCodes).map(([name, code]) => [code, name as Component]))

/**
 * A component ⇄ its wire number.
 *
 * @since 0.3.0
 * @category schemas
 */
export const ComponentFromNumber: Schema.Schema<Component, number> = Schema.transformOrFail(
  Schema.Number,
  Schema.Literal(...(Object.keys(componentCodes) as Array<Component>)),
  {
    strict: true,
    decode: (code, _, ast) => {
      const name = byCode.get(code)
      return name === undefined
        ? ParseResult.fail(new ParseResult.Type(ast, code, `unknown lead card component ${code}`))
        : ParseResult.succeed(name)
    },
    encode: (name) => ParseResult.succeed(componentCodes[name])
  }
)

/**
 * Douyin's review of a card: wire `status` 0 approved, 1 in review, 2 rejected.
 *
 * @since 0.3.0
 * @category models
 */
export type ReviewStatus = "approved" | "inReview" | "rejected"

/**
 * {@link ReviewStatus} ⇄ its wire number.
 *
 * @since 0.3.0
 * @category schemas
 */
export const ReviewStatusFromNumber: Schema.Schema<ReviewStatus, 0 | 1 | 2> = Schema.transformLiterals(
  [0, "approved"],
  [1, "inReview"],
  [2, "rejected"]
)

/**
 * A card as `ListLeadCards` returns it (wire `{ card_id, title, media_id, components, status }`).
 *
 * @since 0.3.0
 * @category schemas
 */
export const Card = Schema.Struct({
  cardId: Schema.propertySignature(MediaId.LeadCardId).pipe(Schema.fromKey("card_id")),
  title: wireString("title"),
  mediaId: Schema.propertySignature(MediaId.ImageId).pipe(Schema.fromKey("media_id")),
  components: Schema.Array(ComponentFromNumber),
  status: ReviewStatusFromNumber
}).annotations({ identifier: "LeadCard.Card" })

/**
 * @since 0.3.0
 * @category models
 */
export interface Card extends Schema.Schema.Type<typeof Card> {}
