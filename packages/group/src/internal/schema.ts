/**
 * Small Schema building blocks shared by the fan-group modules (not exported).
 */
import { Schema } from "effect"

/** A required, non-empty (after trimming) string field renamed to `key` on the wire. */
export const requiredString = <const K extends string>(key: K) =>
  Schema.propertySignature(Schema.NonEmptyTrimmedString).pipe(Schema.fromKey(key))

/** A plain string field renamed to `key` on the wire (response side: decoded as sent). */
export const wireString = <const K extends string>(key: K) =>
  Schema.propertySignature(Schema.String).pipe(Schema.fromKey(key))

/**
 * A 0/1 switch: `true` ⇄ `1`, `false` ⇄ `0`. Douyin reads any value other than `1` as off
 * (douyin-api.md §2.2), so decoding maps `1` to `true` and everything else to `false`.
 */
export const BooleanFromInt: Schema.Schema<boolean, number> = Schema.transform(Schema.Number, Schema.Boolean, {
  strict: true,
  decode: (n) => n === 1,
  encode: (b) => (b ? 1 : 0)
})

/** An optional 0/1 switch renamed to `key`; absent stays absent on the wire. */
export const optionalSwitch = <const K extends string>(key: K) =>
  Schema.optional(BooleanFromInt).pipe(Schema.fromKey(key))
