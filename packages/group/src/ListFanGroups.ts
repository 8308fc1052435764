/**
 * Lists the fan groups the operator owns (查询粉丝群).
 *
 * - Endpoint: `GET /im/group/fans/list/`
 * - Scope: `im.group_fans.create_list`
 * - Idempotency: `read`
 * - Errors: {@link Error}
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { ListFanGroups } from "@effect-douyin/group"
 *
 * const names = ListFanGroups.list({ openId: "creator-open-id" }).pipe(
 *   Effect.map(({ groups }) => groups.map((g) => g.groupName))
 * )
 * ```
 *
 * @since 0.1.0
 */
import { type DouyinError, Endpoint } from "@effect-douyin/core"
import * as Context from "effect/Context"
import type * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import { commonCodes } from "./internal/codes.js"
import { listOrEmpty, OperatorOnly } from "./internal/schema.js"
import * as FanGroup from "./FanGroup.js"

/**
 * @since 0.1.0
 * @category models
 */
export interface Input {
  /** The owner whose groups are listed. */
  readonly openId: string
}

/**
 * @since 0.1.0
 * @category models
 */
export interface Output {
  readonly groups: ReadonlyArray<FanGroup.FanGroup>
}

/**
 * Everything `list` can fail with.
 *
 * @since 0.1.0
 * @category errors
 */
export type Error = DouyinError.ReadError

/**
 * Wire body (`group_list`, `null` read as empty) ⇄ `Output`.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Response = Schema.Struct({
  groups: listOrEmpty(FanGroup.FanGroup).pipe(Schema.fromKey("group_list"))
})

/**
 * The endpoint descriptor.
 *
 * @since 0.1.0
 * @category descriptors
 */
export const descriptor = Endpoint.make({
  id: "group/ListFanGroups",
  scope: "im.group_fans.create_list",
  idempotency: "read",
  envelope: "A",
  method: "GET",
  path: "/im/group/fans/list/",
  request: OperatorOnly,
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
 * The list-fan-groups endpoint as a service.
 *
 * @since 0.1.0
 * @category tags
 */
export class ListFanGroups extends Context.Tag("@effect-douyin/group/ListFanGroups")<
  ListFanGroups,
  Service
>() {}

/**
 * The service behind the `ListFanGroups` tag: one method, exactly
 * `Endpoint.Handler<typeof descriptor>` (checked by `Endpoint.service`).
 *
 * @since 0.1.0
 * @category models
 */
export interface Service {
  /** `GET /im/group/fans/list/` — the operator's fan groups. */
  readonly list: (input: Input) => Effect.Effect<Output, Error>
}

const parts = Endpoint.service(ListFanGroups, "list", descriptor)

/**
 * Builds the `ListFanGroups` service over the provided `DouyinClient`
 * (what {@link layer} provides).
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = parts.make

/**
 * Provides `ListFanGroups` over the provided `DouyinClient`: a program that needs only this
 * endpoint has only this service in its `R`.
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = parts.layer

/**
 * `GET /im/group/fans/list/` through the provided `ListFanGroups`.
 * Scope `im.group_fans.create_list`; idempotency `read`; fails with {@link Error} (`DouyinError.ReadError`).
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { ListFanGroups } from "@effect-douyin/group"
 *
 * const names = ListFanGroups.list({ openId: "creator-open-id" }).pipe(
 *   Effect.map(({ groups }) => groups.map((g) => g.groupName))
 * )
 * ```
 *
 * @since 0.1.0
 * @category accessors
 */
export const list = parts.accessor
