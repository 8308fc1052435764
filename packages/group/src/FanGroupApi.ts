/**
 * All nine fan-group endpoint services in one layer. Each service can also be provided on
 * its own (e.g. `SendGroupMessage.layer`), so a program's requirements list exactly the
 * Douyin capabilities it uses.
 *
 * @example
 * ```ts
 * import { DouyinClient } from "@effect-douyin/core"
 * import { FanGroupApi } from "@effect-douyin/group"
 * import { Layer } from "effect"
 *
 * const Live = FanGroupApi.layer.pipe(Layer.provide(DouyinClient.layer))
 * ```
 *
 * @since 0.1.0
 */
import type { DouyinClient } from "@effect-douyin/core"
import * as Layer from "effect/Layer"
import * as CreateFanGroup from "./CreateFanGroup.js"
import * as DisableGroupSetting from "./DisableGroupSetting.js"
import * as FanGroupQuota from "./FanGroupQuota.js"
import * as ListEntryApplications from "./ListEntryApplications.js"
import * as ListFanGroups from "./ListFanGroups.js"
import * as RecallGroupMessage from "./RecallGroupMessage.js"
import * as ReviewEntryApplication from "./ReviewEntryApplication.js"
import * as SendGroupMessage from "./SendGroupMessage.js"
import * as SetGroupSetting from "./SetGroupSetting.js"

/**
 * The nine endpoint services.
 *
 * @since 0.1.0
 * @category models
 */
export type FanGroupApi =
  | FanGroupQuota.FanGroupQuota
  | CreateFanGroup.CreateFanGroup
  | ListFanGroups.ListFanGroups
  | SendGroupMessage.SendGroupMessage
  | RecallGroupMessage.RecallGroupMessage
  | SetGroupSetting.SetGroupSetting
  | DisableGroupSetting.DisableGroupSetting
  | ListEntryApplications.ListEntryApplications
  | ReviewEntryApplication.ReviewEntryApplication

/**
 * The OAuth scopes the nine endpoints need, each once, from their descriptors
 * (`im.group_fans.create_list`, `im.group_message`, `im.recall_message`): the scopes of a
 * consent URL for a program that uses the whole API.
 *
 * @example
 * ```ts
 * import { OAuth } from "@effect-douyin/core"
 * import { FanGroupApi } from "@effect-douyin/group"
 * import { Layer } from "effect"
 *
 * // every consent URL of the program asks for the fan-group scopes
 * const AskForFanGroups = Layer.succeed(OAuth.Scopes, FanGroupApi.scopes)
 * ```
 *
 * @since 0.4.0
 * @category descriptors
 */
export const scopes: ReadonlyArray<string> = [
  ...new Set([
    ...FanGroupQuota.scopes,
    ...CreateFanGroup.scopes,
    ...ListFanGroups.scopes,
    ...SendGroupMessage.scopes,
    ...RecallGroupMessage.scopes,
    ...SetGroupSetting.scopes,
    ...DisableGroupSetting.scopes,
    ...ListEntryApplications.scopes,
    ...ReviewEntryApplication.scopes
  ])
]

/**
 * @since 0.1.0
 * @category models
 */
export interface Options {
  /** Path of the remaining-quota endpoint (default `/im/group/count/`). */
  readonly quotaPath?: string | undefined
}

/**
 * All nine services with options (e.g. another quota path).
 *
 * @since 0.1.0
 * @category layers
 */
export const layerWith = (options: Options): Layer.Layer<FanGroupApi, never, DouyinClient.DouyinClient> =>
  Layer.mergeAll(
    options.quotaPath === undefined ? FanGroupQuota.layer : FanGroupQuota.layerWithPath(options.quotaPath),
    CreateFanGroup.layer,
    ListFanGroups.layer,
    SendGroupMessage.layer,
    RecallGroupMessage.layer,
    SetGroupSetting.layer,
    DisableGroupSetting.layer,
    ListEntryApplications.layer,
    ReviewEntryApplication.layer
  )

/**
 * All nine services over the provided `DouyinClient`.
 *
 * @since 0.1.0
 * @category layers
 */
export const layer: Layer.Layer<FanGroupApi, never, DouyinClient.DouyinClient> = layerWith({})
