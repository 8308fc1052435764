/**
 * Turns off the group's welcome message or notice (取消进群问候语&群公告配置).
 *
 * - Endpoint: `POST /im/group/setting/disable/` (body `group_id`, `group_setting_type`)
 * - Scope: `im.group_fans.create_list`
 * - Idempotency: `convergent` — disabling twice ends in the same state
 * - Errors: {@link Error}
 *
 * @example
 * ```ts
 * import { DisableGroupSetting } from "@effect-douyin/group"
 *
 * const program = DisableGroupSetting.disable({
 *   openId: "creator-open-id",
 *   groupId: "@4F8C==",
 *   settingType: "notice"
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
import { NoPayload, requiredString } from "./internal/schema.js"

/**
 * @since 0.1.0
 * @category models
 */
export interface Input {
  /** The group owner. */
  readonly openId: string
  readonly groupId: string
  readonly settingType: FanGroup.SettingType
}

/**
 * Nothing: Douyin answers only the envelope.
 *
 * @since 0.1.0
 * @category models
 */
export type Output = void

/**
 * Everything `disable` can fail with.
 *
 * @since 0.1.0
 * @category errors
 */
export type Error = DouyinError.ConvergentError

/**
 * Input ⇄ wire body `{ group_id, group_setting_type }`.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Request = Schema.Struct({
  openId: Endpoint.OpenId,
  groupId: requiredString("group_id"),
  settingType: Schema.propertySignature(FanGroup.SettingType).pipe(Schema.fromKey("group_setting_type"))
})

/**
 * The endpoint descriptor.
 *
 * @since 0.1.0
 * @category descriptors
 */
export const descriptor = Endpoint.make({
  id: "group/DisableGroupSetting",
  scope: "im.group_fans.create_list",
  idempotency: "convergent",
  envelope: "B",
  method: "POST",
  path: "/im/group/setting/disable/",
  request: Request,
  response: NoPayload,
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
 * The disable-group-setting endpoint as a service.
 *
 * @since 0.1.0
 * @category tags
 */
export class DisableGroupSetting extends Context.Tag("@effect-douyin/group/DisableGroupSetting")<
  DisableGroupSetting,
  Service
>() {}

/**
 * The service behind the `DisableGroupSetting` tag: one method, exactly
 * `Endpoint.Handler<typeof descriptor>` (checked by `Endpoint.service`).
 *
 * @since 0.1.0
 * @category models
 */
export interface Service {
  /** `POST /im/group/setting/disable/` — turns off the welcome message or notice. */
  readonly disable: (input: Input) => Effect.Effect<Output, Error>
}

const parts = Endpoint.service(DisableGroupSetting, "disable", descriptor)

/**
 * Builds the `DisableGroupSetting` service over the provided `DouyinClient`
 * (what {@link layer} provides).
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = parts.make

/**
 * Provides `DisableGroupSetting` over the provided `DouyinClient`: a program that needs only this
 * endpoint has only this service in its `R`.
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = parts.layer

/**
 * `POST /im/group/setting/disable/` through the provided `DisableGroupSetting`.
 * Scope `im.group_fans.create_list`; idempotency `convergent`; fails with {@link Error} (`DouyinError.ConvergentError`).
 *
 * @example
 * ```ts
 * import { DisableGroupSetting } from "@effect-douyin/group"
 *
 * const program = DisableGroupSetting.disable({
 *   openId: "creator-open-id",
 *   groupId: "@4F8C==",
 *   settingType: "notice"
 * })
 * ```
 *
 * @since 0.1.0
 * @category accessors
 */
export const disable = parts.accessor
