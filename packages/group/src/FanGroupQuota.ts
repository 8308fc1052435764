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
import type { DouyinClient, DouyinError } from "@effect-douyin/core"
import { Endpoint } from "@effect-douyin/core"
import * as Context from "effect/Context"
import type * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Schema from "effect/Schema"
import { commonCodes } from "./internal/codes.js"
import { OperatorOnly, wireNumber } from "./internal/schema.js"

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
export type Error = DouyinError.ReadError

/**
 * Wire body `{ left_count }` ⇄ `Output`.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Response = Schema.Struct({
  leftCount: wireNumber("left_count")
})

/**
 * The endpoint descriptor.
 *
 * @since 0.1.0
 * @category descriptors
 */
export const descriptor = Endpoint.make({
  id: "group/FanGroupQuota",
  scope: "im.group_fans.create_list",
  idempotency: "read",
  envelope: "A",
  method: "GET",
  path: "/im/group/count/",
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
 * The remaining-quota endpoint as a service.
 *
 * @since 0.1.0
 * @category tags
 */
export class FanGroupQuota extends Context.Tag("@effect-douyin/group/FanGroupQuota")<
  FanGroupQuota,
  Service
>() {}

/**
 * The service behind the `FanGroupQuota` tag: one method, exactly
 * `Endpoint.Handler<typeof descriptor>` (checked by `Endpoint.service`).
 *
 * @since 0.1.0
 * @category models
 */
export interface Service {
  /** `GET /im/group/count/` — the operator's remaining fan-group creation quota. */
  readonly remaining: (input: Input) => Effect.Effect<Output, Error>
}

const parts = Endpoint.service(FanGroupQuota, "remaining", descriptor)

/**
 * Builds the `FanGroupQuota` service over the provided `DouyinClient`
 * (what {@link layer} provides).
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = parts.make

/**
 * Provides `FanGroupQuota` over the provided `DouyinClient`: a program that needs only this
 * endpoint has only this service in its `R`.
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = parts.layer

/**
 * `GET /im/group/count/` through the provided `FanGroupQuota`.
 * Scope `im.group_fans.create_list`; idempotency `read`; fails with {@link Error} (`DouyinError.ReadError`).
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
 * @category accessors
 */
export const remaining = parts.accessor

/**
 * Builds the service at `path` (default `/im/group/count/`).
 *
 * @since 0.1.0
 * @category constructors
 */
export const makeWithPath = (path: string): Effect.Effect<Service, never, DouyinClient.DouyinClient> =>
  Endpoint.service(FanGroupQuota, "remaining", Endpoint.withPath(descriptor, path)).make

/**
 * The service at another path, e.g. `FanGroupQuota.layerWithPath("/im/group/fans/count/")`.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerWithPath = (path: string): Layer.Layer<FanGroupQuota, never, DouyinClient.DouyinClient> =>
  Layer.effect(FanGroupQuota, makeWithPath(path))
