/**
 * Deletes a mini-program guide-card template (删除小程序引导卡片模板).
 *
 * - Endpoint: `POST /api/douyin/v1/im/del_applet_template/?card_template_id=…` (no body), the
 *   app's client token, no `open_id`; envelope D without payload
 * - Scope: `im.microapp_card`
 * - Idempotency: `convergent` — deleting a deleted template leaves the same state
 * - Errors: {@link Error}
 *
 * @example
 * ```ts
 * import { DeleteAppletTemplate } from "@effect-douyin/group"
 *
 * const done = DeleteAppletTemplate.remove({ cardTemplateId: "@template-id" })
 * ```
 *
 * @since 0.3.0
 */
import { type DouyinError, Endpoint } from "@effect-douyin/core"
import * as Context from "effect/Context"
import type * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import { commonCodes } from "./internal/codes.js"
import { NoPayload, requiredString } from "./internal/schema.js"

/**
 * @since 0.3.0
 * @category models
 */
export interface Input {
  readonly cardTemplateId: string
}

/**
 * Everything `remove` can fail with.
 *
 * @since 0.3.0
 * @category errors
 */
export type Error = DouyinError.ConvergentError

/**
 * Input ⇄ wire query `{ card_template_id }`.
 *
 * @since 0.3.0
 * @category schemas
 */
export const Request = Schema.Struct({ cardTemplateId: requiredString("card_template_id") })

/**
 * The endpoint descriptor.
 *
 * @since 0.3.0
 * @category descriptors
 */
export const descriptor = Endpoint.make({
  id: "media/DeleteAppletTemplate",
  scope: "im.microapp_card",
  idempotency: "convergent",
  envelope: "D",
  token: "client",
  method: "POST",
  path: "/api/douyin/v1/im/del_applet_template/",
  query: ["card_template_id"],
  request: Request,
  response: NoPayload,
  codes: commonCodes
})

/**
 * The delete-applet-template endpoint as a service.
 *
 * @since 0.3.0
 * @category tags
 */
export class DeleteAppletTemplate extends Context.Tag("@effect-douyin/group/DeleteAppletTemplate")<
  DeleteAppletTemplate,
  Service
>() {}

/**
 * The service behind the `DeleteAppletTemplate` tag: one method, exactly
 * `Endpoint.Handler<typeof descriptor>` (checked by `Endpoint.service`).
 *
 * @since 0.3.0
 * @category models
 */
export interface Service {
  /** `POST /api/douyin/v1/im/del_applet_template/` — deletes a template (convergent). */
  readonly remove: (input: Input) => Effect.Effect<void, Error>
}

const parts = Endpoint.service(DeleteAppletTemplate, "remove", descriptor)

/**
 * Builds the `DeleteAppletTemplate` service over the provided `DouyinClient` and `ClientToken`.
 *
 * @since 0.3.0
 * @category constructors
 */
export const make = parts.make

/**
 * Provides `DeleteAppletTemplate` over the provided `DouyinClient` and `ClientToken`.
 *
 * @since 0.3.0
 * @category layers
 */
export const layer = parts.layer

/**
 * `POST /api/douyin/v1/im/del_applet_template/` through the provided `DeleteAppletTemplate`.
 * Scope `im.microapp_card`; idempotency `convergent`; fails with {@link Error}.
 *
 * @example
 * ```ts
 * import { DeleteAppletTemplate } from "@effect-douyin/group"
 *
 * const done = DeleteAppletTemplate.remove({ cardTemplateId: "@template-id" })
 * ```
 *
 * @since 0.3.0
 * @category accessors
 */
export const remove = parts.accessor
