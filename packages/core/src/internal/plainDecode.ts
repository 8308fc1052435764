/**
 * Decoding a success body without Schema's machinery when the Schema is simple enough to be
 * a plain function: a record of strings, numbers and booleans (each optional or not), its
 * keys renamed with `Schema.fromKey`. Such a Schema's decode is a field-by-field `typeof`
 * check and a rename; Schema itself spends a few allocations per field on it (its issue
 * tree, `Either`s, the renaming step's copies) on every call.
 *
 * Nothing is decided here that Schema would not decide the same way: a body the plain
 * function does not accept as it is (a missing field, a wrong type, anything it does not
 * know) goes to Schema, which decodes it or explains why not. A Schema outside that subset
 * (unions, refinements, transformations other than renames, arrays, …) is always decoded by
 * Schema. The repository's `test/plain-decode.test.ts` holds the two to the same results.
 */
import * as Either from "effect/Either"
import { identity } from "effect/Function"
import type * as ParseResult from "effect/ParseResult"
import * as Schema from "effect/Schema"
import * as SchemaAST from "effect/SchemaAST"

/** A value the plain function does not accept as it is: Schema decides. */
const refused: unique symbol = Symbol.for("@effect-douyin/core/internal/plainDecode/refused")

type Plain = (input: unknown) => unknown

interface Field {
  /** The key in the input. */
  readonly from: string
  /** The key in the output. */
  readonly to: string
  readonly optional: boolean
  readonly decode: Plain
}

const keyword = (ast: SchemaAST.AST): Plain | undefined => {
  switch (ast._tag) {
    case "StringKeyword":
      return (u) => typeof u === "string" ? u : refused
    case "NumberKeyword":
      return (u) => typeof u === "number" ? u : refused
    case "BooleanKeyword":
      return (u) => typeof u === "boolean" ? u : refused
    default:
      return undefined
  }
}

/** A keyword, or a keyword or `undefined` (how `Schema.optional` types a field). */
const fieldType = (ast: SchemaAST.AST): Plain | undefined => {
  if (ast._tag === "Union" && ast.types.length === 2 && ast.types[1]!._tag === "UndefinedKeyword") {
    const inner = keyword(ast.types[0]!)
    return inner === undefined ? undefined : (u) => u === undefined ? u : inner(u)
  }
  return keyword(ast)
}

const sameType = (a: SchemaAST.AST, b: SchemaAST.AST): boolean =>
  a._tag === b._tag &&
  (a._tag !== "Union" || (b._tag === "Union" && a.types.length === b.types.length && a.types.every((t, i) => sameType(t, b.types[i]!))))

// Parse options carried by the Schema (e.g. excess keys as errors) change what it accepts.
const ownParseOptions = (ast: SchemaAST.AST) => SchemaAST.ParseOptionsAnnotationId in ast.annotations

const isPlainRecord = (ast: SchemaAST.AST): ast is SchemaAST.TypeLiteral =>
  ast._tag === "TypeLiteral" && ast.indexSignatures.length === 0 && !ownParseOptions(ast)

/** The fields of a record Schema, with their renames; `undefined` outside the subset. */
const fieldsOf = (ast: SchemaAST.AST): ReadonlyArray<Field> | undefined => {
  if (isPlainRecord(ast)) {
    const fields: Array<Field> = []
    for (const ps of ast.propertySignatures) {
      const decode = typeof ps.name === "string" ? fieldType(ps.type) : undefined
      if (decode === undefined) return undefined
      fields.push({ from: ps.name as string, to: ps.name as string, optional: ps.isOptional, decode })
    }
    return fields
  }
  if (
    ast._tag !== "Transformation" || ast.transformation._tag !== "TypeLiteralTransformation" || ownParseOptions(ast) ||
    !isPlainRecord(ast.from) || !isPlainRecord(ast.to)
  ) return undefined
  const renames = new Map<string, string>()
  for (const t of ast.transformation.propertySignatureTransformations) {
    // Only a rename (`Schema.fromKey`): the value passes as it is both ways.
    if (t.decode !== identity || t.encode !== identity || typeof t.from !== "string" || typeof t.to !== "string") return undefined
    renames.set(t.to, t.from)
  }
  const from = new Map(ast.from.propertySignatures.map((ps) => [ps.name, ps]))
  if (from.size !== ast.to.propertySignatures.length) return undefined
  const fields: Array<Field> = []
  for (const ps of ast.to.propertySignatures) {
    if (typeof ps.name !== "string") return undefined
    const source = from.get(renames.get(ps.name) ?? ps.name)
    const decode = fieldType(ps.type)
    if (
      source === undefined || decode === undefined || source.isOptional !== ps.isOptional || !sameType(source.type, ps.type)
    ) return undefined
    fields.push({ from: source.name as string, to: ps.name, optional: ps.isOptional, decode })
  }
  return fields
}

const hasOwn = Object.prototype.hasOwnProperty

/** The record of `fields` read from `input`, or `refused`. */
const record = (fields: ReadonlyArray<Field>) => (input: unknown): unknown => {
  if (typeof input !== "object" || input === null || Array.isArray(input)) return refused
  const out: Record<string, unknown> = {}
  for (const field of fields) {
    if (!hasOwn.call(input, field.from)) {
      if (field.optional) continue
      return refused
    }
    const value = field.decode((input as Record<string, unknown>)[field.from])
    if (value === refused) return refused
    out[field.to] = value
  }
  return out
}

/**
 * The decoder of `schema` (`Schema.decodeUnknownEither`'s result), with a plain function in
 * front when the Schema allows one.
 */
export const decoder = <A, I>(
  schema: Schema.Schema<A, I>
): (input: unknown) => Either.Either<A, ParseResult.ParseError> => {
  const decode = Schema.decodeUnknownEither(schema)
  const fields = fieldsOf(schema.ast)
  if (fields === undefined) return decode
  const plain = record(fields)
  return (input) => {
    const value = plain(input)
    return value === refused ? decode(input) : Either.right(value as A)
  }
}

/** Whether {@link decoder} puts a plain function in front of `schema`'s decoder. */
export const isPlain = (schema: Schema.Schema.Any): boolean => fieldsOf(schema.ast) !== undefined
