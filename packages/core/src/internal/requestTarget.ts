/**
 * Where a request goes, as undici's `dispatch` takes it: the origin, and the path with the
 * query. Exactly what `UrlParams.makeUrl` gives (the platform's clients use it), with less
 * work per request: a client sends to a few URLs, so each distinct URL string is parsed once
 * (a bounded map per client), and the query parameters are serialized as `URLSearchParams`
 * serializes them, without a `URL` and its `URLSearchParams` per request.
 *
 * A URL with a query of its own goes through `makeUrl` (appending to it re-serializes that
 * query too); so does one that does not parse, for `makeUrl`'s error.
 */
import * as UrlParams from "@effect/platform/UrlParams"
import * as Either from "effect/Either"
import * as Option from "effect/Option"

/** The dispatch target of one request. */
export interface Target {
  readonly origin: string
  readonly path: string
}

interface Parsed {
  readonly origin: string
  readonly pathname: string
}

/**
 * The `application/x-www-form-urlencoded` form of `text`, as `URLSearchParams` writes it:
 * `encodeURIComponent` leaves `!'()~` as they are and writes a space as `%20`; the form
 * escapes the five and writes a space as `+`. A lone surrogate becomes U+FFFD, as in a
 * `USVString` (where `encodeURIComponent` would throw).
 */
export const formEncode = (text: string): string => {
  // Letters, digits and `*-._` stay as they are: most keys and values (`open_id`, ids) need no work.
  if (formSafe.test(text)) return text
  let encoded: string
  try {
    encoded = encodeURIComponent(text)
  } catch {
    // Only a lone surrogate makes it throw.
    encoded = encodeURIComponent(text.replace(loneSurrogate, "\uFFFD"))
  }
  return encoded.replace(/%20|[!'()~]/g, escapeFormChar)
}

const formSafe = /^[\w*.-]*$/

const loneSurrogate = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g

const escapeFormChar = (match: string) => match === "%20" ? "+" : `%${match.charCodeAt(0).toString(16).toUpperCase()}`

const query = (params: UrlParams.UrlParams): string => {
  let out = ""
  for (const [key, value] of params) {
    // `makeUrl` skips a pair whose value is `undefined` (a `UrlParams` built by hand may hold one).
    if (value === undefined) continue
    out += (out === "" ? "?" : "&") + formEncode(key) + "=" + formEncode(value)
  }
  return out
}

/** Parses request URLs for one client; `capacity` distinct URLs are kept (then it starts over). */
export const make = (capacity = 256) => {
  const parsed = new Map<string, Parsed | null>()
  const parse = (url: string): Parsed | null => {
    const known = parsed.get(url)
    if (known !== undefined) return known
    const result = Either.match(UrlParams.makeUrl(url, [], Option.none()), {
      onLeft: () => null,
      // Its own query (or a `?` alone) must be re-serialized with the parameters: `makeUrl` does it.
      onRight: (u): Parsed | null => u.search !== "" || url.includes("?") ? null : { origin: u.origin, pathname: u.pathname }
    })
    if (parsed.size >= capacity) parsed.clear()
    parsed.set(url, result)
    return result
  }
  /** The target of a request to `url` with `params`, or `makeUrl`'s error. */
  return (url: string, params: UrlParams.UrlParams): Either.Either<Target, unknown> => {
    const known = parse(url)
    if (known !== null) return Either.right({ origin: known.origin, path: known.pathname + query(params) })
    return Either.map(UrlParams.makeUrl(url, params, Option.none()), (u) => ({ origin: u.origin, path: u.pathname + u.search }))
  }
}
