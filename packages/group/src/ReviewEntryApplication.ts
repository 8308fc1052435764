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
import { type DouyinError, Endpoint } from "@effect-douyin/core"
import * as Context from "effect/Context"
import type * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import { commonCodes } from "./internal/codes.js"
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
export type Error = DouyinError.ConvergentError

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
 * Wire body `{ success }` ⇄ `Output`.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Response = Schema.Struct({ success: Schema.Boolean })

/**
 * The endpoint descriptor.
 *
 * @since 0.1.0
 * @category descriptors
 */
export const descriptor = Endpoint.make({
  id: "group/ReviewEntryApplication",
  scope: "im.group_fans.create_list",
  idempotency: "convergent",
  envelope: "A",
  method: "POST",
  path: "/im/group/enter/audit/set/",
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
 * The service behind the `ReviewEntryApplication` tag: one method, exactly
 * `Endpoint.Handler<typeof descriptor>` (checked by `Endpoint.service`).
 *
 * @since 0.1.0
 * @category models
 */
export interface Service {
  /** `POST /im/group/enter/audit/set/` — approves or rejects a join application. */
  readonly review: (input: Input) => Effect.Effect<Output, Error>
}

const parts = Endpoint.service(ReviewEntryApplication, "review", descriptor)

/**
 * Builds the `ReviewEntryApplication` service over the provided `DouyinClient`
 * (what {@link layer} provides).
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = parts.make

/**
 * Provides `ReviewEntryApplication` over the provided `DouyinClient`: a program that needs only this
 * endpoint has only this service in its `R`.
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = parts.layer

/**
 * `POST /im/group/enter/audit/set/` through the provided `ReviewEntryApplication`.
 * Scope `im.group_fans.create_list`; idempotency `convergent`; fails with {@link Error} (`DouyinError.ConvergentError`).
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
 * @category accessors
 */
export const review = parts.accessor
