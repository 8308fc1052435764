/**
 * Cursor paging (not exported): every item of a list endpoint that serves one page at a time
 * and answers each page with the `cursor` of the next one and whether there is one (`hasMore`).
 */
import * as Chunk from "effect/Chunk"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Predicate from "effect/Predicate"
import * as Stream from "effect/Stream"

/** One decoded page: where the next page starts, and whether there is one. */
export interface Page {
  readonly cursor: number
  readonly hasMore: boolean
}

/** A page request: the page size and the cursor it asks for (absent for the first page). */
export interface Request {
  readonly count?: number | undefined
  readonly cursor?: number | undefined
}

/** A list endpoint's service, as its tag yields it. */
export interface Lister<I, P, E> {
  readonly list: (input: I) => Effect.Effect<P, E>
}

/** How {@link stream} reads an endpoint. */
export interface Options<P extends Page, A> {
  /** The page size taken when the caller gives no `count` (the endpoint's largest page). */
  readonly pageSize: number
  /**
   * The cursor a request without one asks for (the first page's: `0` on Douyin's list
   * endpoints, whether the request sends it or leaves it out): a first page answered with
   * that same cursor and `hasMore` is then the last one (asking again would return it again).
   */
  readonly absentCursor: number
  /** The items of one page. */
  readonly items: (page: P) => ReadonlyArray<A>
}

/**
 * The first page's request: only an absent `count` takes `pageSize`. Anything else (`null`,
 * `0`, `51`, or no input object at all) goes to `list` as given, whose request Schema rejects
 * it with `DouyinInvalidInput` before anything is sent.
 */
const firstPage = <I extends Request>(input: Request, pageSize: number): I =>
  (Predicate.isRecord(input) && input.count === undefined ? { ...input, count: pageSize } : input) as I

/**
 * Every item, page after page: follows `cursor` while `hasMore` is true, each page through the
 * service's `list` (so every request is validated by the endpoint's own Schema). Pages are
 * fetched lazily, as the stream is pulled. Stops as well when a page answers `hasMore` with the
 * cursor it was asked for (it would otherwise loop forever).
 */
export const stream = <I extends Request, P extends Page, A, E, R>(
  service: Effect.Effect<Lister<I, P, E>, never, R>,
  input: Request,
  options: Options<P, A>
): Stream.Stream<A, E, R> =>
  Stream.unwrap(
    Effect.map(service, ({ list }) =>
      Stream.paginateChunkEffect(firstPage<I>(input, options.pageSize), (request) =>
        Effect.map(list(request), (page) =>
          [
            Chunk.fromIterable(options.items(page)),
            page.hasMore && page.cursor !== (request.cursor ?? options.absentCursor)
              ? Option.some<I>({ ...request, cursor: page.cursor })
              : Option.none()
          ] as const)))
  )
