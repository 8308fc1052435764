/**
 * Approves or rejects a join application (变更用户入群申请状态).
 *
 * - Endpoint: `POST /im/group/enter/audit/set/` (body `apply_id`, `status` 2 approve | 3 reject)
 * - Scope: `im.group_fans.create_list`
 * - Idempotency: `convergent` — the same decision twice ends in the same state
 * - Errors: {@link Error}
 *
 * @example
 * ```ts
 * import { ReviewEntryApplication } from "@effect-douyin/group"
 *
 * const program = ReviewEntryApplication.review({
 *   openId: "creator-open-id",
 *   applyId: "@9VwN==",
 *   decision: "approve"
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
import * as FanGroup from "./FanGroup.js"
import { requiredString } from "./internal/schema.js"

/**
 * @since 0.1.0
 * @category models
 */
export interface Input {
  /** The group owner. */
  readonly openId: string
  /** From `ListEntryApplications` or the `enter_group_audit_change` webhook. */
  readonly applyId: string
  readonly decision: FanGroup.ReviewDecision
}

/**
 * @since 0.1.0
 * @category models
 */
export interface Output {
  readonly success: boolean
}

/**
 * Everything `review` can fail with.
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
 * Input ⇄ wire body `{ apply_id, status }`.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Request = Schema.Struct({
  openId: Endpoint.OpenId,
  applyId: requiredString("apply_id"),
  decision: Schema.propertySignature(FanGroup.ReviewDecision).pipe(Schema.fromKey("status"))
})

/**
 * The endpoint descriptor.
 *
 * @since 0.1.0
 * @category descriptors
 */
export const descriptor = Endpoint.make({
  id: "group/ReviewEntryApplication",
  method: "POST",
  path: "/im/group/enter/audit/set/",
  scope: "im.group_fans.create_list",
  idempotency: "convergent",
  envelope: "A",
  request: Request,
  response: Schema.Struct({ success: Schema.Boolean }),
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
  /** `POST /im/group/enter/audit/set/` — approves or rejects a join application. */
  readonly review: (input: Input) => Effect.Effect<Output, Error>
}

/**
 * The review-join-application endpoint as a service.
 *
 * @since 0.1.0
 * @category tags
 */
export class ReviewEntryApplication extends Context.Tag("@effect-douyin/group/ReviewEntryApplication")<
  ReviewEntryApplication,
  Service
>() {}

/**
 * @since 0.1.0
 * @category constructors
 */
export const make: Effect.Effect<Service, never, DouyinClient.DouyinClient> = Effect.map(
  Endpoint.handler(descriptor),
  (review) => ReviewEntryApplication.of({ review })
)

/**
 * @since 0.1.0
 * @category layers
 */
export const layer: Layer.Layer<ReviewEntryApplication, never, DouyinClient.DouyinClient> = Layer.effect(
  ReviewEntryApplication,
  make
)

/**
 * `POST /im/group/enter/audit/set/` through the provided `ReviewEntryApplication`.
 *
 * @since 0.1.0
 * @category accessors
 */
export const review = (input: Input): Effect.Effect<Output, Error, ReviewEntryApplication> =>
  Effect.flatMap(ReviewEntryApplication, (service) => service.review(input))
