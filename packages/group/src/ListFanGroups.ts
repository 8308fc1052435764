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
import { DouyinClient, Endpoint, ErrorCode } from "@effect-douyin/core"
import type {
  DouyinApiError,
  DouyinAuthError,
  DouyinBusyError,
  DouyinDecodeError,
  DouyinHttpError,
  DouyinInvalidInput,
  DouyinInvalidParams,
  DouyinPermissionError,
  DouyinQuotaError,
  DouyinRateLimited,
  DouyinStoreError,
  DouyinTransportError
} from "@effect-douyin/core/DouyinError"
import { Context, Effect, Layer, Option, Schema } from "effect"
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
export type Error =
  | DouyinInvalidInput
  | DouyinTransportError
  | DouyinHttpError
  | DouyinDecodeError
  | DouyinRateLimited
  | DouyinStoreError
  | DouyinAuthError
  | DouyinPermissionError
  | DouyinInvalidParams
  | DouyinQuotaError
  | DouyinBusyError
  | DouyinApiError

/**
 * Wire body (`group_list`, `null` read as empty) ⇄ `Output`.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Response = Schema.Struct({
  groups: Schema.optionalToRequired(
    Schema.NullOr(Schema.Array(FanGroup.FanGroup)),
    Schema.Array(Schema.typeSchema(FanGroup.FanGroup)),
    {
      decode: (o) => Option.getOrElse(Option.flatMap(o, Option.fromNullable), () => []),
      encode: (groups) => Option.some(groups)
    }
  ).pipe(Schema.fromKey("group_list"))
})

/**
 * The endpoint descriptor.
 *
 * @since 0.1.0
 * @category descriptors
 */
export const descriptor = Endpoint.make({
  id: "group/ListFanGroups",
  method: "GET",
  path: "/im/group/fans/list/",
  scope: "im.group_fans.create_list",
  idempotency: "read",
  envelope: "A",
  request: Schema.Struct({ openId: Endpoint.OpenId }),
  response: Response,
  codes: [
    ErrorCode.Codes.invalidParameter,
    ErrorCode.Codes.noPermission,
    ErrorCode.Codes.accessTokenInvalid,
    ErrorCode.Codes.accessTokenExpired,
    ErrorCode.Codes.systemBusy
  ]
})

/**
 * @since 0.1.0
 * @category models
 */
export interface Service {
  /** `GET /im/group/fans/list/` — the operator's fan groups. */
  readonly list: (input: Input) => Effect.Effect<Output, Error>
}

/**
 * The list-fan-groups endpoint as a service.
 *
 * @since 0.1.0
 * @category tags
 */
export class ListFanGroups extends Context.Tag("@effect-douyin/group/ListFanGroups")<ListFanGroups, Service>() {}

/**
 * @since 0.1.0
 * @category constructors
 */
export const make: Effect.Effect<Service, never, DouyinClient.DouyinClient> = Effect.map(
  Endpoint.handler(descriptor),
  (list) => ListFanGroups.of({ list })
)

/**
 * @since 0.1.0
 * @category layers
 */
export const layer: Layer.Layer<ListFanGroups, never, DouyinClient.DouyinClient> = Layer.effect(ListFanGroups, make)

/**
 * `GET /im/group/fans/list/` through the provided `ListFanGroups`.
 *
 * @since 0.1.0
 * @category accessors
 */
export const list = (input: Input): Effect.Effect<Output, Error, ListFanGroups> =>
  Effect.flatMap(ListFanGroups, (service) => service.list(input))
