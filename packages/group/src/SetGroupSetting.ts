/**
 * Sets the group's welcome message or notice (设置进群问候语&群公告).
 *
 * - Endpoint: `POST /im/group/setting/set/` (body `group_setting_type`, `msg_list`, optional `group_id`)
 * - Scope: `im.group_fans.create_list`
 * - Idempotency: `convergent` — setting the same content twice ends in the same state
 * - Errors: {@link Error}
 *
 * `messages` is a non-empty list of {@link MessageContent.SettingMessageContent}: text,
 * applet card or applet coupon. `groupId` is optional (the vendor SDK omits it, the C# and
 * Java SDKs send it); it is sent only when given.
 *
 * @example
 * ```ts
 * import { MessageContent, SetGroupSetting } from "@effect-douyin/group"
 *
 * const program = SetGroupSetting.set({
 *   openId: "creator-open-id",
 *   groupId: "@4F8C==",
 *   settingType: "welcome",
 *   messages: [MessageContent.text("Welcome!")]
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
import { NoPayload } from "./internal/schema.js"
import * as FanGroup from "./FanGroup.js"
import * as MessageContent from "./MessageContent.js"

/**
 * @since 0.1.0
 * @category models
 */
export interface Input {
  /** The group owner. */
  readonly openId: string
  /** The group; sent as `group_id` when given. */
  readonly groupId?: string | undefined
  readonly settingType: FanGroup.SettingType
  /** At least one message: text, applet card or applet coupon. */
  readonly messages: readonly [MessageContent.SettingMessageContent, ...Array<MessageContent.SettingMessageContent>]
}

/**
 * Nothing: Douyin answers only the envelope.
 *
 * @since 0.1.0
 * @category models
 */
export type Output = void

/**
 * Everything `set` can fail with.
 *
 * @since 0.1.0
 * @category errors
 */
export type Error = DouyinError.ConvergentError

/**
 * Input ⇄ wire body `{ group_setting_type, msg_list, group_id? }`.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Request = Schema.Struct({
  openId: Endpoint.OpenId,
  groupId: Schema.optional(Schema.NonEmptyTrimmedString).pipe(Schema.fromKey("group_id")),
  settingType: Schema.propertySignature(FanGroup.SettingType).pipe(Schema.fromKey("group_setting_type")),
  messages: Schema.propertySignature(Schema.NonEmptyArray(MessageContent.SettingMessageContent)).pipe(
    Schema.fromKey("msg_list")
  )
})

/**
 * The endpoint descriptor.
 *
 * @since 0.1.0
 * @category descriptors
 */
export const descriptor = Endpoint.make({
  id: "group/SetGroupSetting",
  scope: "im.group_fans.create_list",
  idempotency: "convergent",
  envelope: "B",
  method: "POST",
  path: "/im/group/setting/set/",
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
 * The set-group-setting endpoint as a service.
 *
 * @since 0.1.0
 * @category tags
 */
export class SetGroupSetting extends Context.Tag("@effect-douyin/group/SetGroupSetting")<
  SetGroupSetting,
  Service
>() {}

/**
 * The service behind the `SetGroupSetting` tag: one method, exactly
 * `Endpoint.Handler<typeof descriptor>` (checked by `Endpoint.service`).
 *
 * @since 0.1.0
 * @category models
 */
export interface Service {
  /** `POST /im/group/setting/set/` — sets the welcome message or notice. */
  readonly set: (input: Input) => Effect.Effect<Output, Error>
}

const parts = Endpoint.service(SetGroupSetting, "set", descriptor)

/**
 * Builds the `SetGroupSetting` service over the provided `DouyinClient`
 * (what {@link layer} provides).
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = parts.make

/**
 * Provides `SetGroupSetting` over the provided `DouyinClient`: a program that needs only this
 * endpoint has only this service in its `R`.
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = parts.layer

/**
 * `POST /im/group/setting/set/` through the provided `SetGroupSetting`.
 * Scope `im.group_fans.create_list`; idempotency `convergent`; fails with {@link Error} (`DouyinError.ConvergentError`).
 *
 * @example
 * ```ts
 * import { MessageContent, SetGroupSetting } from "@effect-douyin/group"
 *
 * const program = SetGroupSetting.set({
 *   openId: "creator-open-id",
 *   groupId: "@4F8C==",
 *   settingType: "welcome",
 *   messages: [MessageContent.text("Welcome!")]
 * })
 * ```
 *
 * @since 0.1.0
 * @category accessors
 */
export const set = parts.accessor
