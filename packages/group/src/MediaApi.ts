/**
 * The seven endpoint services that produce what message content refers to, in one layer:
 * image upload, lead cards (save, list, delete) and mini-program card templates (set, list,
 * delete). Each can also be provided on its own (e.g. `UploadImage.layer`).
 *
 * The upload and the template endpoints take the app's client token: provide `ClientToken`
 * (e.g. `ClientToken.layerStore()`, over the same `TokenStore` as the user tokens) besides
 * `DouyinClient`.
 *
 * @example
 * ```ts
 * import { ClientToken, DouyinClient } from "@effect-douyin/core"
 * import { MediaApi } from "@effect-douyin/group"
 * import { Layer } from "effect"
 *
 * const Live = MediaApi.layer.pipe(Layer.provide(DouyinClient.layer), Layer.provide(ClientToken.layerStore()))
 * ```
 *
 * @since 0.3.0
 */
import type { ClientToken, DouyinClient } from "@effect-douyin/core"
import * as Layer from "effect/Layer"
import * as DeleteAppletTemplate from "./DeleteAppletTemplate.js"
import * as DeleteLeadCard from "./DeleteLeadCard.js"
import * as ListAppletTemplates from "./ListAppletTemplates.js"
import * as ListLeadCards from "./ListLeadCards.js"
import * as SaveLeadCard from "./SaveLeadCard.js"
import * as SetAppletTemplate from "./SetAppletTemplate.js"
import * as UploadImage from "./UploadImage.js"

/**
 * The seven endpoint services.
 *
 * @since 0.3.0
 * @category models
 */
export type MediaApi =
  | UploadImage.UploadImage
  | SaveLeadCard.SaveLeadCard
  | ListLeadCards.ListLeadCards
  | DeleteLeadCard.DeleteLeadCard
  | SetAppletTemplate.SetAppletTemplate
  | ListAppletTemplates.ListAppletTemplates
  | DeleteAppletTemplate.DeleteAppletTemplate

/**
 * All seven services over the provided `DouyinClient` and `ClientToken`.
 *
 * @since 0.3.0
 * @category layers
 */
export const layer: Layer.Layer<MediaApi, never, DouyinClient.DouyinClient | ClientToken.ClientToken> = Layer.mergeAll(
  UploadImage.layer,
  SaveLeadCard.layer,
  ListLeadCards.layer,
  DeleteLeadCard.layer,
  SetAppletTemplate.layer,
  ListAppletTemplates.layer,
  DeleteAppletTemplate.layer
)
