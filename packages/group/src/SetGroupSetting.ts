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
 * Everything `set` can fail with.
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
  method: "POST",
  path: "/im/group/setting/set/",
  scope: "im.group_fans.create_list",
  idempotency: "convergent",
  envelope: "B",
  request: Request,
  response: NoPayload,
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
  /** `POST /im/group/setting/set/` — sets the welcome message or notice. */
  readonly set: (input: Input) => Effect.Effect<void, Error>
}

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
 * @since 0.1.0
 * @category constructors
 */
export const make: Effect.Effect<Service, never, DouyinClient.DouyinClient> = Effect.map(
  Endpoint.handler(descriptor),
  (set) => SetGroupSetting.of({ set })
)

/**
 * @since 0.1.0
 * @category layers
 */
export const layer: Layer.Layer<SetGroupSetting, never, DouyinClient.DouyinClient> = Layer.effect(
  SetGroupSetting,
  make
)

/**
 * `POST /im/group/setting/set/` through the provided `SetGroupSetting`.
 *
 * @since 0.1.0
 * @category accessors
 */
export const set = (input: Input): Effect.Effect<void, Error, SetGroupSetting> =>
  Effect.flatMap(SetGroupSetting, (service) => service.set(input))
