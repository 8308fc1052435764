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
 * Everything `disable` can fail with.
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
  method: "POST",
  path: "/im/group/setting/disable/",
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
  /** `POST /im/group/setting/disable/` — turns off the welcome message or notice. */
  readonly disable: (input: Input) => Effect.Effect<void, Error>
}

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
 * @since 0.1.0
 * @category constructors
 */
export const make: Effect.Effect<Service, never, DouyinClient.DouyinClient> = Effect.map(
  Endpoint.handler(descriptor),
  (disable) => DisableGroupSetting.of({ disable })
)

/**
 * @since 0.1.0
 * @category layers
 */
export const layer: Layer.Layer<DisableGroupSetting, never, DouyinClient.DouyinClient> = Layer.effect(
  DisableGroupSetting,
  make
)

/**
 * `POST /im/group/setting/disable/` through the provided `DisableGroupSetting`.
 *
 * @since 0.1.0
 * @category accessors
 */
export const disable = (input: Input): Effect.Effect<void, Error, DisableGroupSetting> =>
  Effect.flatMap(DisableGroupSetting, (service) => service.disable(input))
