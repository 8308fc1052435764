/**
 * Creates or updates a mini-program guide-card template (创建/修改小程序引导卡片模板), for
 * applet-card messages (`MessageContent.appletTemplateCard`).
 *
 * - Endpoint: `POST /api/douyin/v1/im/set_applet_template/` (JSON `{ card_template_id?,
 *   card_type, title, content, media_id, app_id? }`), the app's client token, no `open_id`;
 *   envelope D (`data.card_template_id`)
 * - Scope: `im.microapp_card`
 * - Idempotency: `convergent` — Douyin documents that the same `title`, `content`, `media_id`
 *   and `app_id` return the same `card_template_id`, so a repeat creates nothing new
 * - Errors: {@link Error}
 * - Checked before sending: `title` and `content` non-blank and at most 30 characters, a
 *   `mediaId` (from `UploadImage`; 16:9, 240×135 recommended), `cardType` 1
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { SetAppletTemplate } from "@effect-douyin/group"
 *
 * const templateId = SetAppletTemplate.set({
 *   title: "Join the match",
 *   content: "Tap to play",
 *   mediaId: "@image-id",
 *   appId: "tt1234567890"
 * }).pipe(Effect.map((r) => r.cardTemplateId))
 * ```
 *
 * @since 0.3.0
 */
import { type DouyinError, Endpoint } from "@effect-douyin/core"
import * as Context from "effect/Context"
import type * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import * as AppletTemplate from "./AppletTemplate.js"
import { commonCodes } from "./internal/codes.js"
import { requiredString } from "./internal/schema.js"
import * as MediaId from "./MediaId.js"

/**
 * @since 0.3.0
 * @category models
 */
export interface Input {
  /** Set to update that template; omit to create one. */
  readonly cardTemplateId?: string | undefined
  /** `1`, the mini-program card (the only type documented; it cannot change later). Default 1. */
  readonly cardType?: 1 | undefined
  /** At most 30 characters. */
  readonly title: string
  /** At most 30 characters. */
  readonly content: string
  /** An uploaded image's id (`UploadImage`). */
  readonly mediaId: string
  /** The mini-program's AppID (`tt…`). */
  readonly appId?: string | undefined
}

/**
 * @since 0.3.0
 * @category models
 */
export interface Output {
  readonly cardTemplateId: MediaId.AppletTemplateId
}

/**
 * Everything `set` can fail with.
 *
 * @since 0.3.0
 * @category errors
 */
export type Error = DouyinError.ConvergentError

/**
 * Input ⇄ wire body `{ card_template_id?, card_type, title, content, media_id, app_id? }`.
 *
 * @since 0.3.0
 * @category schemas
 */
export const Request = Schema.Struct({
  cardTemplateId: Schema.optional(Schema.NonEmptyTrimmedString).pipe(Schema.fromKey("card_template_id")),
  // Optional in the input, always sent (`1`): required on create.
  cardType: Schema.requiredToOptional(Schema.Literal(1), Schema.Literal(1), {
    decode: Option.some,
    encode: Option.getOrElse(() => 1 as const)
  }).pipe(Schema.fromKey("card_type")),
  title: AppletTemplate.ShortText,
  content: AppletTemplate.ShortText,
  mediaId: requiredString("media_id"),
  appId: Schema.optional(Schema.NonEmptyTrimmedString).pipe(Schema.fromKey("app_id"))
})

/**
 * The payload inside `data` (envelope D), `{ card_template_id }` ⇄ `Output`.
 *
 * @since 0.3.0
 * @category schemas
 */
export const Response = Schema.Struct({
  cardTemplateId: Schema.propertySignature(MediaId.AppletTemplateId).pipe(Schema.fromKey("card_template_id"))
})

/**
 * The endpoint descriptor.
 *
 * @since 0.3.0
 * @category descriptors
 */
export const descriptor = Endpoint.make({
  id: "media/SetAppletTemplate",
  scope: "im.microapp_card",
  idempotency: "convergent",
  envelope: "D",
  token: "client",
  method: "POST",
  path: "/api/douyin/v1/im/set_applet_template/",
  request: Request,
  response: Response,
  codes: commonCodes
})

/**
 * The set-applet-template endpoint as a service.
 *
 * @since 0.3.0
 * @category tags
 */
export class SetAppletTemplate extends Context.Tag("@effect-douyin/group/SetAppletTemplate")<
  SetAppletTemplate,
  Service
>() {}

/**
 * The service behind the `SetAppletTemplate` tag: one method, exactly
 * `Endpoint.Handler<typeof descriptor>` (checked by `Endpoint.service`).
 *
 * @since 0.3.0
 * @category models
 */
export interface Service {
  /** `POST /api/douyin/v1/im/set_applet_template/` — creates or updates a template (convergent). */
  readonly set: (input: Input) => Effect.Effect<Output, Error>
}

const parts = Endpoint.service(SetAppletTemplate, "set", descriptor)

/**
 * Builds the `SetAppletTemplate` service over the provided `DouyinClient` and `ClientToken`.
 *
 * @since 0.3.0
 * @category constructors
 */
export const make = parts.make

/**
 * Provides `SetAppletTemplate` over the provided `DouyinClient` and `ClientToken`.
 *
 * @since 0.3.0
 * @category layers
 */
export const layer = parts.layer

/**
 * `POST /api/douyin/v1/im/set_applet_template/` through the provided `SetAppletTemplate`.
 * Scope `im.microapp_card`; idempotency `convergent`; fails with {@link Error}.
 *
 * @example
 * ```ts
 * import { SetAppletTemplate } from "@effect-douyin/group"
 *
 * const created = SetAppletTemplate.set({ title: "Join", content: "Tap to play", mediaId: "@img", appId: "tt123" })
 * ```
 *
 * @since 0.3.0
 * @category accessors
 */
export const set = parts.accessor
