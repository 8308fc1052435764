/**
 * The one formatter of Schema failures in error descriptions. Effect's `TreeFormatter` /
 * `ArrayFormatter` print the actual value with a recursive formatter, so a value nested a few
 * thousand levels deep (a 10 KB body `{"data":[[[[…]]]]}`) overflows the stack while the error
 * is being described, and a printed value may echo a token. This walks the issue tree with an
 * explicit stack, prints paths, what was expected and the *kind* of value found (never the
 * value), and stops after a few issues, so the description is bounded whatever the input.
 */
import * as Option from "effect/Option"
import type * as ParseResult from "effect/ParseResult"
import * as AST from "effect/SchemaAST"

/** Issues listed at most; the rest are counted. */
const maxIssues = 3
/** Characters of one expected-type or message text at most. */
const maxText = 160
/** Issue-tree nodes visited at most (the tree follows the schema, but a recursive schema may nest deeply). */
const maxVisits = 1_000

const clip = (text: string) => (text.length > maxText ? `${text.slice(0, maxText)}…` : text)

const kindOf = (actual: unknown): string => actual === null ? "null" : Array.isArray(actual) ? "array" : typeof actual

const safely = (f: () => string | undefined): string | undefined => {
  try {
    return f()
  } catch {
    return undefined
  }
}

/** A message the schema itself declares (e.g. "Expected a non-blank string"), if it is plain text. */
const declaredMessage = (ast: AST.AST, issue: ParseResult.ParseIssue): string | undefined =>
  safely(() =>
    Option.match(AST.getMessageAnnotation(ast), {
      onNone: () => undefined,
      onSome: (annotation) => {
        const out: unknown = annotation(issue)
        if (typeof out === "string") return out
        if (typeof out === "object" && out !== null && "message" in out && typeof out.message === "string") {
          return out.message
        }
        return undefined
      }
    })
  )

const expected = (ast: AST.AST): string => clip(safely(() => String(ast)) ?? ast._tag)

const leafText = (issue: ParseResult.ParseIssue): string | undefined => {
  switch (issue._tag) {
    case "Missing":
      return "missing"
    case "Unexpected":
      return "unexpected"
    case "Forbidden":
      return "forbidden"
    case "Type":
      return `invalid (${clip(declaredMessage(issue.ast, issue) ?? `expected ${expected(issue.ast)}`)}, got ${kindOf(issue.actual)})`
    case "Refinement":
      if (issue.kind === "Predicate") {
        // the text a filter itself returned (`Schema.filter(() => "why")`) is schema-authored
        const returned = issue.issue._tag === "Type" ? issue.issue.message : undefined
        return `invalid (${clip(declaredMessage(issue.ast, issue) ?? returned ?? `expected ${expected(issue.ast)}`)})`
      }
      return undefined
    default:
      return undefined
  }
}

/** The children of a node, with the path each one is at. */
const children = (
  issue: ParseResult.ParseIssue,
  path: ReadonlyArray<PropertyKey>
): ReadonlyArray<readonly [ParseResult.ParseIssue, ReadonlyArray<PropertyKey>]> => {
  switch (issue._tag) {
    case "Pointer":
      return [[issue.issue, [...path, ...(Array.isArray(issue.path) ? issue.path : [issue.path])]]]
    case "Refinement":
    case "Transformation":
      return issue._tag === "Refinement" && issue.kind === "Predicate" ? [] : [[issue.issue, path]]
    case "Composite":
      return (Array.isArray(issue.issues) ? issue.issues : [issue.issues as ParseResult.ParseIssue]).map((
        child
      ) => [child, path] as const)
    default:
      return []
  }
}

/**
 * A Schema failure as `path: what was wrong` for its first few issues, e.g.
 * `data.expires_in: invalid (expected number, got string); data.open_id: missing`.
 * Bounded in length and in work; holds no value from the input.
 */
export const describe = (error: ParseResult.ParseError | ParseResult.ParseIssue): string => {
  const root = "issue" in error && error._tag === "ParseError" ? error.issue : error as ParseResult.ParseIssue
  const stack: Array<readonly [ParseResult.ParseIssue, ReadonlyArray<PropertyKey>]> = [[root, []]]
  const lines: Array<string> = []
  let more = 0
  let visits = 0
  while (stack.length > 0 && visits < maxVisits) {
    visits++
    const [issue, path] = stack.pop()!
    const text = leafText(issue)
    if (text !== undefined) {
      const line = `${path.length === 0 ? "(root)" : clip(path.map(String).join("."))}: ${text}`
      if (lines.includes(line)) continue
      if (lines.length < maxIssues) lines.push(line)
      else more++
    }
    const next = children(issue, path)
    for (let i = next.length - 1; i >= 0; i--) stack.push(next[i])
  }
  if (stack.length > 0) more += stack.length
  return lines.join("; ") + (more > 0 ? ` (and ${more} more)` : "") || "invalid"
}
