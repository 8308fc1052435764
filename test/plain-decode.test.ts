/**
 * The plain-function decoder in front of Schema (packages/core/src/internal/plainDecode.ts)
 * decides nothing Schema would decide otherwise: for every endpoint's success Schema, on
 * bodies generated from the Schema's wire form and on arbitrary values, both give the same
 * value (keys and their order included) or the same error.
 */
import { describe, expect, it } from "@effect/vitest"
import * as Group from "@effect-douyin/group"
import { Arbitrary, Either, FastCheck as fc, Schema } from "effect"
import * as PlainDecode from "../packages/core/src/internal/plainDecode.js"

const descriptors = Object.values(Group).flatMap((module) =>
  "descriptor" in module && typeof module.descriptor === "object" ? [module.descriptor] : []
)

const same = (schema: Schema.Schema<any, any>, input: unknown) => {
  const plain = PlainDecode.decoder(schema)(input)
  const reference = Schema.decodeUnknownEither(schema)(input)
  expect(plain._tag).toBe(reference._tag)
  if (Either.isRight(plain) && Either.isRight(reference)) {
    expect(plain.right).toStrictEqual(reference.right)
    if (typeof reference.right === "object" && reference.right !== null) {
      expect(Object.keys(plain.right as object)).toEqual(Object.keys(reference.right as object))
    }
  }
  if (Either.isLeft(plain) && Either.isLeft(reference)) expect(plain.left.message).toBe(reference.left.message)
}

/** Bodies to try: wire forms of the Schema, each with a field removed, retyped or added. */
const bodies = (schema: Schema.Schema<any, any>) => {
  const wire = fc.sample(Arbitrary.make(Schema.encodedSchema(schema)), { numRuns: 60, seed: 7 }) as Array<unknown>
  const odd = [null, 1, "x", true, {}, [], undefined, Number.NaN]
  const variants = wire.flatMap((body) => {
    if (typeof body !== "object" || body === null || Array.isArray(body)) return [body]
    const keys = Object.keys(body)
    return [
      body,
      { ...body, extra_field: "kept out" },
      ...keys.map((key) => Object.fromEntries(Object.entries(body).filter(([k]) => k !== key))),
      ...keys.flatMap((key) => odd.map((value) => ({ ...body, [key]: value })))
    ]
  })
  return [...variants, ...fc.sample(fc.anything(), { numRuns: 60, seed: 11 }), ...odd]
}

describe("plain decoding of success bodies", () => {
  it("the count answer's Schema is decoded by the plain function (so the comparisons below cover it)", () => {
    expect(PlainDecode.isPlain(Group.FanGroupQuota.descriptor.response)).toBe(true)
    expect(descriptors.filter((d) => PlainDecode.isPlain(d.response)).length).toBeGreaterThan(1)
    // A Schema outside the subset stays with Schema.
    expect(PlainDecode.isPlain(Group.ListFanGroups.descriptor.response)).toBe(false)
  })

  it.each(descriptors.map((d) => [d.id, d] as const))("%s: the same value or the same error as Schema", (_, descriptor) => {
    for (const body of bodies(descriptor.response)) same(descriptor.response, body)
  })

  it("renames, optional fields, booleans and strings, and what falls back", () => {
    const Record = Schema.Struct({
      leftCount: Schema.propertySignature(Schema.Number).pipe(Schema.fromKey("left_count")),
      name: Schema.String,
      open: Schema.optional(Schema.Boolean).pipe(Schema.fromKey("is_open")),
      note: Schema.optional(Schema.String)
    })
    expect(PlainDecode.isPlain(Record)).toBe(true)
    for (const body of bodies(Record)) same(Record, body)
    same(Record, { left_count: 1, name: "n", is_open: false, note: "x", other: 2 })
    same(Record, { left_count: "1", name: "n" })
    // Refinements, defaults and excess-property options are Schema's to decide.
    expect(PlainDecode.isPlain(Schema.Struct({ n: Schema.Int }))).toBe(false)
    expect(PlainDecode.isPlain(Schema.Struct({ n: Schema.optionalWith(Schema.Number, { default: () => 0 }) }))).toBe(false)
    const strict = Schema.Struct({ n: Schema.Number }).annotations({ parseOptions: { onExcessProperty: "error" } })
    expect(PlainDecode.isPlain(strict)).toBe(false)
    same(strict, { n: 1, other: 2 })
  })
})
