/**
 * Lists the app's mini-program guide-card templates, one page at a time
 * (查询小程序引导卡片模板), and {@link stream}s all of them.
 *
 * - Endpoint: `POST /api/douyin/v1/im/get_applet_template/` (JSON `{ card_template_id?, count,
 *   cursor, status? }`), the app's client token, no `open_id`; envelope D
 *   (`data.{ cursor, has_more, list }`)
 * - Scope: `im.microapp_card`
 * - Idempotency: `read`
 * - Errors: {@link Error}
 * - Checked before sending: `count` 1..50 (required unless `cardTemplateId` names one
 *   template), `cursor` a non-negative integer
 *
 * @example
 * ```ts
 * import { Stream } from "effect"
 * import { ListAppletTemplates } from "@effect-douyin/group"
 *
 * const approved = Stream.runCollect(ListAppletTemplates.stream({ status: "approved" }))
 * ```
 *
 * @since 0.3.0
 */
import { type DouyinError, Endpoint } from "@effect-douyin/core"
import * as Context from "effect/Context"
import type * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import type * as Stream from "effect/Stream"
import * as AppletTemplate from "./AppletTemplate.js"
import { commonCodes } from "./internal/codes.js"
import * as cursorPages from "./internal/cursorPages.js"

/**
 * @since 0.3.0
 * @category models
 */
export interface Input {
  /** Fetch this one template (then `count` may be omitted). */
  readonly cardTemplateId?: string | undefined
  /** Page size, 1..50; required unless `cardTemplateId` is given. */
  readonly count?: number | undefined
  /** The offset to continue from; omit (or `0`) for the first page, then the previous `cursor`. */
  readonly cursor?: number | undefined
  /** Only templates in this review state (default: all). */
  readonly status?: AppletTemplate.ReviewStatus | undefined
}

/**
 * One page.
 *
 * @since 0.3.0
 * @category models
 */
export interface Output {
  /** The cursor of the next page. */
  readonly cursor: number
  readonly hasMore: boolean
  readonly templates: ReadonlyArray<AppletTemplate.Template>
}

/**
 * Everything `list` (and {@link stream}) can fail with.
 *
 * @since 0.3.0
 * @category errors
 */
export type Error = DouyinError.ReadError

/**
 * The largest page Douyin serves.
 *
 * @since 0.3.0
 * @category constants
 */
export const maxPageSize = 50

/**
 * Input ⇄ wire body `{ card_template_id?, count?, cursor, status? }` (`cursor` sent as `0` when
 * omitted).
 *
 * @since 0.3.0
 * @category schemas
 */
export const Request = Schema.Struct({
  cardTemplateId: Schema.optional(Schema.NonEmptyTrimmedString).pipe(Schema.fromKey("card_template_id")),
  count: Schema.optional(Schema.Int.pipe(Schema.between(1, maxPageSize))),
  cursor: Schema.requiredToOptional(Schema.NonNegativeInt, Schema.NonNegativeInt, {
    decode: Option.some,
    encode: Option.getOrElse(() => 0)
  }),
  status: Schema.optional(AppletTemplate.ReviewStatusFromNumber)
}).pipe(
  Schema.filter((input) =>
    input.cardTemplateId !== undefined || input.count !== undefined
      ? true
      : "count is required (1..50) unless cardTemplateId names one template"
  )
)

/**
 * The payload inside `data` (envelope D), `{ cursor, has_more, list }` (`list` `null` or absent
 * read as empty) ⇄ `Output`.
 *
 * @since 0.3.0
 * @category schemas
 */
export const Response = Schema.transform(
  Schema.Struct({
    cursor: Schema.Number,
    has_more: Schema.Boolean,
    list: Schema.optional(Schema.NullOr(Schema.Array(AppletTemplate.Template)))
  }),
  Schema.Struct({
    cursor: Schema.Number,
    hasMore: Schema.Boolean,
    templates: Schema.Array(Schema.typeSchema(AppletTemplate.Template))
  }),
  {
    strict: true,
    decode: (page) => ({ cursor: page.cursor, hasMore: page.has_more, templates: page.list ?? [] }),
    encode: (page) => ({ cursor: page.cursor, has_more: page.hasMore, list: page.templates })
  }
)

/**
 * The endpoint descriptor.
 *
 * @since 0.3.0
 * @category descriptors
 */
export const descriptor = Endpoint.make({
  id: "media/ListAppletTemplates",
  scope: "im.microapp_card",
  idempotency: "read",
  envelope: "D",
  token: "client",
  method: "POST",
  path: "/api/douyin/v1/im/get_applet_template/",
  request: Request,
  response: Response,
  codes: commonCodes
})

/**
 * The list-applet-templates endpoint as a service.
 *
 * @since 0.3.0
 * @category tags
 */
export class ListAppletTemplates extends Context.Tag("@effect-douyin/group/ListAppletTemplates")<
  ListAppletTemplates,
  Service
>() {}

/**
 * The service behind the `ListAppletTemplates` tag: one method, exactly
 * `Endpoint.Handler<typeof descriptor>` (checked by `Endpoint.service`).
 *
 * @since 0.3.0
 * @category models
 */
export interface Service {
  /** `POST /api/douyin/v1/im/get_applet_template/` — one page of templates. */
  readonly list: (input: Input) => Effect.Effect<Output, Error>
}

const parts = Endpoint.service(ListAppletTemplates, "list", descriptor)

/**
 * Builds the `ListAppletTemplates` service over the provided `DouyinClient` and `ClientToken`.
 *
 * @since 0.3.0
 * @category constructors
 */
export const make = parts.make

/**
 * Provides `ListAppletTemplates` over the provided `DouyinClient` and `ClientToken`.
 *
 * @since 0.3.0
 * @category layers
 */
export const layer = parts.layer

/**
 * `POST /api/douyin/v1/im/get_applet_template/` through the provided `ListAppletTemplates`.
 * Scope `im.microapp_card`; idempotency `read`; fails with {@link Error}.
 *
 * @example
 * ```ts
 * import { ListAppletTemplates } from "@effect-douyin/group"
 *
 * const firstPage = ListAppletTemplates.list({ count: 50 })
 * ```
 *
 * @since 0.3.0
 * @category accessors
 */
export const list = parts.accessor

/**
 * Input of {@link stream}: like {@link Input} without `cardTemplateId`, `count` defaulting to
 * {@link maxPageSize}.
 *
 * @since 0.3.0
 * @category models
 */
export interface StreamInput {
  /** Page size, 1..50; default 50. */
  readonly count?: number | undefined
  /** Where to start; default the first page. */
  readonly cursor?: number | undefined
  readonly status?: AppletTemplate.ReviewStatus | undefined
}

/**
 * Every template, page after page: follows `cursor` while `has_more` is true, fetching pages
 * lazily as the stream is pulled. Stops as well if Douyin answers `has_more` with the cursor
 * it was asked for (it would otherwise loop forever). Every page goes through {@link list}.
 *
 * - Endpoint: `POST /api/douyin/v1/im/get_applet_template/`, once per page
 * - Scope: `im.microapp_card`; idempotency `read`; fails with {@link Error}
 *
 * @example
 * ```ts
 * import { Stream } from "effect"
 * import { ListAppletTemplates } from "@effect-douyin/group"
 *
 * const all = Stream.runCollect(ListAppletTemplates.stream({ count: 20 }))
 * ```
 *
 * @since 0.3.0
 * @category accessors
 */
export const stream = (input: StreamInput = {}): Stream.Stream<AppletTemplate.Template, Error, ListAppletTemplates> =>
  cursorPages.stream(ListAppletTemplates, input, {
    pageSize: maxPageSize,
    absentCursor: 0,
    items: (page) => page.templates
  })
