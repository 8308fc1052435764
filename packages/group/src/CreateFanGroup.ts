/**
 * Creates a fan group owned by the operator (创建粉丝群).
 *
 * - Endpoint: `POST /im/group/fans/create/`
 * - Scope: `im.group_fans.create_list`
 * - Idempotency: `unsafe` — repeating it creates a second group, so a failure after the
 *   request may have reached Douyin is `DouyinOutcomeUnknown` and is never retried
 * - Errors: {@link Error}
 *
 * The 0/1 switches are booleans; unset optional fields are omitted from the body.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { CreateFanGroup } from "@effect-douyin/group"
 *
 * const program = CreateFanGroup.create({
 *   openId: "creator-open-id",
 *   groupName: "Fans",
 *   description: "Say hi",
 *   avatarUri: "https://example.com/a.png",
 *   groupType: "streamer",
 *   openAuditSwitch: true
 * }).pipe(Effect.map(({ groupId }) => groupId))
 * ```
 *
 * @since 0.1.0
 */
import { type DouyinError, Endpoint } from "@effect-douyin/core"
import * as Context from "effect/Context"
import type * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import { quotaCodes } from "./internal/codes.js"
import * as FanGroup from "./FanGroup.js"
import { NonBlankString, optionalSwitch, requiredString, requiredText, wireString } from "./internal/schema.js"

/**
 * @since 0.1.0
 * @category models
 */
export interface Input {
  /** The operator who will own the group. */
  readonly openId: string
  /** Not blank. */
  readonly groupName: string
  /** Group intro; not blank. */
  readonly description: string
  /** Group avatar link; non-empty. */
  readonly avatarUri: string
  readonly groupType?: FanGroup.GroupType | undefined
  /** Entry threshold: must be an active fan of the owner (wire `active_fans` 1/0). */
  readonly activeFans?: boolean | undefined
  /** Entry threshold: fan-club level N and above (`0` = none). */
  readonly fansLimit?: FanGroup.FansLevel | undefined
  /** Entry threshold: follow relation. */
  readonly relationType?: FanGroup.RelationType | undefined
  /** Members may invite friends. */
  readonly allowInvite?: boolean | undefined
  /** Auto-sync the owner's new works into the group. */
  readonly itemAutoSync?: boolean | undefined
  /** Auto-sync the owner's live sessions into the group. */
  readonly liveAutoSync?: boolean | undefined
  /** Join requests need approval. */
  readonly openAuditSwitch?: boolean | undefined
  /** Show the group on the owner's profile page. */
  readonly showAtProfile?: boolean | undefined
}

/**
 * @since 0.1.0
 * @category models
 */
export interface Output {
  /** Opaque group id, e.g. `"@jebkjeb87hbejfh=="`. */
  readonly groupId: string
}

/**
 * Everything `create` can fail with (`unsafe`: includes `DouyinOutcomeUnknown`).
 *
 * @since 0.1.0
 * @category errors
 */
export type Error = DouyinError.UnsafeError

/**
 * Wire body `{ group_id }` ⇄ `Output`.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Response = Schema.Struct({ groupId: wireString("group_id") })

/**
 * Input ⇄ wire body (`group_name`, `description`, `avatar_uri`, and the optional settings).
 *
 * @since 0.1.0
 * @category schemas
 */
export const Request = Schema.Struct({
  openId: Endpoint.OpenId,
  groupName: requiredText("group_name"),
  description: NonBlankString,
  avatarUri: requiredString("avatar_uri"),
  groupType: Schema.optional(FanGroup.GroupType).pipe(Schema.fromKey("group_type")),
  activeFans: optionalSwitch("active_fans"),
  fansLimit: Schema.optional(FanGroup.FansLevel).pipe(Schema.fromKey("fans_limit")),
  relationType: Schema.optional(FanGroup.RelationType).pipe(Schema.fromKey("relation_type")),
  allowInvite: optionalSwitch("allow_invite"),
  itemAutoSync: optionalSwitch("item_auto_sync"),
  liveAutoSync: optionalSwitch("live_auto_sync"),
  openAuditSwitch: optionalSwitch("open_audit_switch"),
  showAtProfile: optionalSwitch("show_at_profile")
})

/**
 * The endpoint descriptor.
 *
 * @since 0.1.0
 * @category descriptors
 */
export const descriptor = Endpoint.make({
  id: "group/CreateFanGroup",
  scope: "im.group_fans.create_list",
  idempotency: "unsafe",
  envelope: "A",
  method: "POST",
  path: "/im/group/fans/create/",
  request: Request,
  response: Response,
  codes: quotaCodes
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
 * The create-fan-group endpoint as a service.
 *
 * @since 0.1.0
 * @category tags
 */
export class CreateFanGroup extends Context.Tag("@effect-douyin/group/CreateFanGroup")<
  CreateFanGroup,
  Service
>() {}

/**
 * The service behind the `CreateFanGroup` tag: one method, exactly
 * `Endpoint.Handler<typeof descriptor>` (checked by `Endpoint.service`).
 *
 * @since 0.1.0
 * @category models
 */
export interface Service {
  /** `POST /im/group/fans/create/` — creates a fan group (unsafe: never retried when ambiguous). */
  readonly create: (input: Input) => Effect.Effect<Output, Error>
}

const parts = Endpoint.service(CreateFanGroup, "create", descriptor)

/**
 * Builds the `CreateFanGroup` service over the provided `DouyinClient`
 * (what {@link layer} provides).
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = parts.make

/**
 * Provides `CreateFanGroup` over the provided `DouyinClient`: a program that needs only this
 * endpoint has only this service in its `R`.
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = parts.layer

/**
 * `POST /im/group/fans/create/` through the provided `CreateFanGroup`.
 * Scope `im.group_fans.create_list`; idempotency `unsafe`; fails with {@link Error} (`DouyinError.UnsafeError`).
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { CreateFanGroup } from "@effect-douyin/group"
 *
 * const program = CreateFanGroup.create({
 *   openId: "creator-open-id",
 *   groupName: "Fans",
 *   description: "Say hi",
 *   avatarUri: "https://example.com/a.png",
 *   groupType: "streamer",
 *   openAuditSwitch: true
 * }).pipe(Effect.map(({ groupId }) => groupId))
 * ```
 *
 * @since 0.1.0
 * @category accessors
 */
export const create = parts.accessor
