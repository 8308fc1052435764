/**
 * How many more fan groups the operator may create (查询用户剩余建群额度).
 *
 * - Endpoint: `GET /im/group/count/` (overridable: sources disagree, the C# and Go clients use
 *   `/im/group/fans/count/`; see {@link layerWithPath})
 * - Scope: `im.group_fans.create_list`
 * - Idempotency: `read` (always safe to retry)
 * - Errors: {@link Error}
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { FanGroupQuota } from "@effect-douyin/group"
 *
 * const program = Effect.gen(function*() {
 *   const { leftCount } = yield* FanGroupQuota.remaining({ openId: "creator-open-id" })
 *   return leftCount > 0
 * })
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
import { Context, Effect, Layer, Schema } from "effect"

/**
 * @since 0.1.0
 * @category models
 */
export interface Input {
  /** The operator (creator) whose quota is asked. */
  readonly openId: string
}

/**
 * @since 0.1.0
 * @category models
 */
export interface Output {
  /** Fan groups the operator may still create. */
  readonly leftCount: number
}

/**
 * Everything `remaining` can fail with.
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
 * The endpoint descriptor.
 *
 * @since 0.1.0
 * @category descriptors
 */
export const descriptor = Endpoint.make({
  id: "group/FanGroupQuota",
  method: "GET",
  path: "/im/group/count/",
  scope: "im.group_fans.create_list",
  idempotency: "read",
  envelope: "A",
  request: Schema.Struct({ openId: Endpoint.OpenId }),
  response: Schema.Struct({
    leftCount: Schema.propertySignature(Schema.Number).pipe(Schema.fromKey("left_count"))
  }),
  codes: [
    ErrorCode.Codes.accessTokenInvalid,
    ErrorCode.Codes.accessTokenExpired,
    ErrorCode.Codes.noPermission,
    ErrorCode.Codes.invalidParameter,
    ErrorCode.Codes.systemBusy
  ]
})

/**
 * @since 0.1.0
 * @category models
 */
export interface Service {
  /** `GET /im/group/count/` — the operator's remaining fan-group creation quota. */
  readonly remaining: (input: Input) => Effect.Effect<Output, Error>
}

/**
 * The remaining-quota endpoint as a service.
 *
 * @since 0.1.0
 * @category tags
 */
export class FanGroupQuota extends Context.Tag("@effect-douyin/group/FanGroupQuota")<FanGroupQuota, Service>() {}

/**
 * Builds the service at `path` (default `/im/group/count/`).
 *
 * @since 0.1.0
 * @category constructors
 */
export const makeWithPath = (path: string): Effect.Effect<Service, never, DouyinClient.DouyinClient> =>
  Effect.map(Endpoint.handler(Endpoint.withPath(descriptor, path)), (remaining) => FanGroupQuota.of({ remaining }))

/**
 * @since 0.1.0
 * @category constructors
 */
export const make: Effect.Effect<Service, never, DouyinClient.DouyinClient> = makeWithPath(descriptor.path)

/**
 * @since 0.1.0
 * @category layers
 */
export const layer: Layer.Layer<FanGroupQuota, never, DouyinClient.DouyinClient> = Layer.effect(FanGroupQuota, make)

/**
 * The service at another path, e.g. `FanGroupQuota.layerWithPath("/im/group/fans/count/")`.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerWithPath = (path: string): Layer.Layer<FanGroupQuota, never, DouyinClient.DouyinClient> =>
  Layer.effect(FanGroupQuota, makeWithPath(path))

/**
 * `GET /im/group/count/` through the provided `FanGroupQuota`.
 *
 * @since 0.1.0
 * @category accessors
 */
export const remaining = (input: Input): Effect.Effect<Output, Error, FanGroupQuota> =>
  Effect.flatMap(FanGroupQuota, (service) => service.remaining(input))
