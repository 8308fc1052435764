/**
 * Small Schema building blocks shared by the fan-group modules (not exported).
 */
import { Endpoint } from "@effect-douyin/core"
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"

/**
 * Free text (names, descriptions, message text): at least one non-whitespace character;
 * surrounding whitespace is allowed and sent as given.
 */
export const NonBlankString = Schema.String.pipe(
  Schema.filter((s) => s.trim().length > 0, { message: () => "Expected a non-blank string" })
).annotations({ identifier: "NonBlankString" })

/** A required identifier: non-empty, no surrounding whitespace; renamed to `key` on the wire. */
export const requiredString = <const K extends string>(key: K) =>
  Schema.propertySignature(Schema.NonEmptyTrimmedString).pipe(Schema.fromKey(key))

/** A required free-text field (non-blank, see {@link NonBlankString}) renamed to `key` on the wire. */
export const requiredText = <const K extends string>(key: K) => Schema.propertySignature(NonBlankString).pipe(Schema.fromKey(key))

/** A plain string field renamed to `key` on the wire (response side: decoded as sent). */
export const wireString = <const K extends string>(key: K) => Schema.propertySignature(Schema.String).pipe(Schema.fromKey(key))

/** A plain number field renamed to `key` on the wire (response side: decoded as sent). */
export const wireNumber = <const K extends string>(key: K) => Schema.propertySignature(Schema.Number).pipe(Schema.fromKey(key))

/**
 * A 0/1 switch: `true` ⇄ `1`, `false` ⇄ `0`. Douyin reads any value other than `1` as off
 * (docs/wire.md#the-nine-endpoints), so decoding maps `1` to `true` and everything else to `false`.
 */
export const BooleanFromInt: Schema.Schema<boolean, number> = Schema.transform(Schema.Number, Schema.Boolean, {
  strict: true,
  decode: (n) => n === 1,
  encode: (b) => (b ? 1 : 0)
})

/** An optional 0/1 switch renamed to `key`; absent stays absent on the wire. */
export const optionalSwitch = <const K extends string>(key: K) => Schema.optional(BooleanFromInt).pipe(Schema.fromKey(key))

/**
 * A list field Douyin may send as `null` or leave out: both read as `[]`; a list is sent as
 * given. Rename it with `Schema.fromKey` where the wire key differs.
 */
export const listOrEmpty = <A, I, R>(
  item: Schema.Schema<A, I, R>
): Schema.PropertySignature<":", ReadonlyArray<A>, never, "?:", ReadonlyArray<I> | null, false, R> =>
  Schema.optionalToRequired(Schema.NullOr(Schema.Array(item)), Schema.Array(Schema.typeSchema(item)), {
    decode: (o) => Option.getOrElse(Option.flatMap(o, Option.fromNullable), () => []),
    encode: (items) => Option.some(items)
  })

/** A success body with nothing in it for the caller (envelope B): decodes any JSON to `void`. */
export const NoPayload: Schema.Schema<void, unknown> = Schema.transform(Schema.Unknown, Schema.Void, {
  strict: true,
  decode: () => undefined,
  encode: () => ({})
})

/** The request of an endpoint that takes nothing but the operator (`open_id` in the query). */
export const OperatorOnly = Schema.Struct({ openId: Endpoint.OpenId })
