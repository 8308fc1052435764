/**
 * Lists join applications to the operator's groups, one page at a time
 * (查询群主所在群的用户入群申请状态), and {@link stream}s all of them.
 *
 * - Endpoint: `GET /im/group/enter/audit/get/` (query `count` 1..50, `cursor`)
 * - Scope: `im.group_fans.create_list`
 * - Idempotency: `read`
 * - Errors: {@link Error}
 *
 * @example
 * ```ts
 * import { Effect, Stream } from "effect"
 * import { ListEntryApplications } from "@effect-douyin/group"
 *
 * const pending = ListEntryApplications.stream({ openId: "creator-open-id" }).pipe(
 *   Stream.filter((a) => a.applyStatus === "pending"),
 *   Stream.runCollect
 * )
 * ```
 *
 * @since 0.1.0
 */
import { type DouyinError, Endpoint } from "@effect-douyin/core"
import * as Context from "effect/Context"
import type * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import type * as Stream from "effect/Stream"
import { commonCodes } from "./internal/codes.js"
import * as cursorPages from "./internal/cursorPages.js"
import * as FanGroup from "./FanGroup.js"

/**
 * @since 0.1.0
 * @category models
 */
export interface Input {
  /** The group owner. */
  readonly openId: string
  /** Page size, an integer in 1..50. */
  readonly count: number
  /** Where to continue; omit (or `0`) for the first page, then pass the previous `cursor`. */
  readonly cursor?: number | undefined
}

/**
 * One page.
 *
 * @since 0.1.0
 * @category models
 */
export interface Output {
  /** The cursor of the next page. */
  readonly cursor: number
  readonly hasMore: boolean
  readonly applications: ReadonlyArray<FanGroup.EntryApplication>
}

/**
 * Everything `list` (and {@link stream}) can fail with.
 *
 * @since 0.1.0
 * @category errors
 */
export type Error = DouyinError.ReadError

/**
 * The largest page Douyin serves.
 *
 * @since 0.1.0
 * @category constants
 */
export const maxPageSize = 50

/**
 * Input ⇄ wire query `{ open_id, count, cursor? }`.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Request = Schema.Struct({
  openId: Endpoint.OpenId,
  count: Schema.Int.pipe(Schema.between(1, maxPageSize)),
  cursor: Schema.optional(Schema.NonNegativeInt)
})

/**
 * Wire body `{ apply_list: { cursor, has_more, list } }` ⇄ `Output` (`list` `null` or absent
 * read as empty).
 *
 * @since 0.1.0
 * @category schemas
 */
export const Response = Schema.transform(
  Schema.Struct({
    apply_list: Schema.Struct({
      cursor: Schema.Number,
      has_more: Schema.Boolean,
      list: Schema.optional(Schema.NullOr(Schema.Array(FanGroup.EntryApplication)))
    })
  }),
  Schema.Struct({
    cursor: Schema.Number,
    hasMore: Schema.Boolean,
    applications: Schema.Array(Schema.typeSchema(FanGroup.EntryApplication))
  }),
  {
    strict: true,
    decode: ({ apply_list }) => ({
      cursor: apply_list.cursor,
      hasMore: apply_list.has_more,
      applications: apply_list.list ?? []
    }),
    encode: (page) => ({
      apply_list: { cursor: page.cursor, has_more: page.hasMore, list: page.applications }
    })
  }
)

/**
 * The endpoint descriptor.
 *
 * @since 0.1.0
 * @category descriptors
 */
export const descriptor = Endpoint.make({
  id: "group/ListEntryApplications",
  scope: "im.group_fans.create_list",
  idempotency: "read",
  envelope: "A",
  method: "GET",
  path: "/im/group/enter/audit/get/",
  request: Request,
  response: Response,
  codes: commonCodes
})

/**
 * The OAuth scope a creator must grant for this endpoint (the descriptor's): what a consent
 * URL asks for when the program uses this service (`OAuth.Scopes`, `OAuth.authorizeUrl`).
 *
 * @since 0.4.0
 * @category descriptors
 */
export const scopes: ReadonlyArray<string> = [descriptor.scope]

/**
 * The list-join-applications endpoint as a service.
 *
 * @since 0.1.0
 * @category tags
 */
export class ListEntryApplications extends Context.Tag("@effect-douyin/group/ListEntryApplications")<
  ListEntryApplications,
  Service
>() {}

/**
 * The service behind the `ListEntryApplications` tag: one method, exactly
 * `Endpoint.Handler<typeof descriptor>` (checked by `Endpoint.service`).
 *
 * @since 0.1.0
 * @category models
 */
export interface Service {
  /** `GET /im/group/enter/audit/get/` — one page of join applications. */
  readonly list: (input: Input) => Effect.Effect<Output, Error>
}

const parts = Endpoint.service(ListEntryApplications, "list", descriptor)

/**
 * Builds the `ListEntryApplications` service over the provided `DouyinClient`
 * (what {@link layer} provides).
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = parts.make

/**
 * Provides `ListEntryApplications` over the provided `DouyinClient`: a program that needs only this
 * endpoint has only this service in its `R`.
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = parts.layer

/**
 * `GET /im/group/enter/audit/get/` through the provided `ListEntryApplications`.
 * Scope `im.group_fans.create_list`; idempotency `read`; fails with {@link Error} (`DouyinError.ReadError`).
 *
 * @example
 * ```ts
 * import { Effect, Stream } from "effect"
 * import { ListEntryApplications } from "@effect-douyin/group"
 *
 * const pending = ListEntryApplications.stream({ openId: "creator-open-id" }).pipe(
 *   Stream.filter((a) => a.applyStatus === "pending"),
 *   Stream.runCollect
 * )
 * ```
 *
 * @since 0.1.0
 * @category accessors
 */
export const list = parts.accessor

/**
 * Input of {@link stream}: like {@link Input}, with `count` defaulting to {@link maxPageSize}.
 *
 * @since 0.1.0
 * @category models
 */
export interface StreamInput {
  readonly openId: string
  /** Page size, 1..50; default 50. */
  readonly count?: number | undefined
  /** Where to start; default the first page. */
  readonly cursor?: number | undefined
}

/**
 * Every join application, page after page: follows `cursor` while `has_more` is true. Pages
 * are fetched lazily, as the stream is pulled. Stops as well if Douyin answers `has_more`
 * with the same cursor it was asked for (it would otherwise loop forever). Every page goes
 * through {@link list}, so the input is validated by the same {@link Request} Schema.
 *
 * - Endpoint: `GET /im/group/enter/audit/get/`, once per page
 * - Scope: `im.group_fans.create_list`; idempotency `read`; fails with {@link Error}
 *
 * @example
 * ```ts
 * import { Stream } from "effect"
 * import { ListEntryApplications } from "@effect-douyin/group"
 *
 * const all = Stream.runCollect(ListEntryApplications.stream({ openId: "creator-open-id", count: 20 }))
 * ```
 *
 * @since 0.1.0
 * @category accessors
 */
export const stream = (input: StreamInput): Stream.Stream<FanGroup.EntryApplication, Error, ListEntryApplications> =>
  cursorPages.stream(ListEntryApplications, input, {
    pageSize: maxPageSize,
    // Leaving the cursor out asks for the first page, as cursor 0 does (docs/wire.md).
    absentCursor: 0,
    items: (page) => page.applications
  })
