import * as Schema from "effect/Schema"

/** A number that may arrive as a JSON number or as a numeric string (`"5"`). */
export const LenientNumber = Schema.Union(Schema.Number, Schema.NumberFromString)

/**
 * A required wire field `wire` exposed under the domain key it is assigned to. `K` keeps the
 * wire key literal: a plain `string` would make `Schema.fromKey` emit an index signature in the
 * published `.d.ts`, which fails type-checking with `skipLibCheck: false`.
 */
export const field = <const K extends string, S extends Schema.Schema.All>(wire: K, schema: S) =>
  Schema.propertySignature(schema).pipe(Schema.fromKey(wire))

/** An optional wire field (absent or `null` both mean "not there"). */
export const optionalField = <const K extends string, S extends Schema.Schema.All>(wire: K, schema: S) =>
  Schema.optionalWith(schema, { nullable: true }).pipe(Schema.fromKey(wire))

/** `content` arrives either as an object or as a JSON-encoded string of that object. */
export const objectOrJsonString = <A, I, R>(schema: Schema.Schema<A, I, R>) => Schema.Union(schema, Schema.parseJson(schema))

export const isRecord = (u: unknown): u is Readonly<Record<string, unknown>> => typeof u === "object" && u !== null && !Array.isArray(u)
