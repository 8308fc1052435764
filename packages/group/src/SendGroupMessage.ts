/**
 * Sends one message to a fan group (发送群消息).
 *
 * - Endpoint: `POST /im/send/msg/group/`
 * - Scope: `im.group_message` (plus per content: image `tool.image.upload`, video
 *   `video.list.bind`, lead card `im.message_card`, applet card `im.microapp_card`)
 * - Idempotency: `unsafe` — Douyin has no idempotency key for group messages, so a failure
 *   after the request may have reached Douyin is `DouyinOutcomeUnknown` and is never retried
 * - Errors: {@link Error}
 *
 * The group is named by exactly one of `groupId` or `groupToken`. `content` is a
 * {@link MessageContent.GroupMessageContent}: text, image, video, lead card or applet card.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { MessageContent, SendGroupMessage } from "@effect-douyin/group"
 *
 * const program = SendGroupMessage.send({
 *   openId: "creator-open-id",
 *   groupId: "@7aaaa==",
 *   content: MessageContent.text("Live in 10 minutes!")
 * }).pipe(Effect.map(({ msgId }) => msgId))
 * ```
 *
 * @since 0.1.0
 */
import { type DouyinError, Endpoint } from "@effect-douyin/core"
import * as Context from "effect/Context"
import type * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import { quotaCodes } from "./internal/codes.js"
import { requiredString, wireString } from "./internal/schema.js"
import * as MessageContent from "./MessageContent.js"

/**
 * The group named by its id (from the fans list or a group webhook).
 *
 * @since 0.1.0
 * @category models
 */
export interface ToGroupId {
  /** The operator sending the message. */
  readonly openId: string
  readonly groupId: string
  readonly groupToken?: undefined
  readonly content: MessageContent.GroupMessageContent
}

/**
 * The group named by its token (互动经营工作台 → 群列表 → 获取群ID).
 *
 * @since 0.1.0
 * @category models
 */
export interface ToGroupToken {
  /** The operator sending the message. */
  readonly openId: string
  readonly groupToken: string
  readonly groupId?: undefined
  readonly content: MessageContent.GroupMessageContent
}

/**
 * Exactly one of `groupId` / `groupToken`, plus the content.
 *
 * @since 0.1.0
 * @category models
 */
export type Input = ToGroupId | ToGroupToken

/**
 * @since 0.1.0
 * @category models
 */
export interface Output {
  /** The message id; pass it to `RecallGroupMessage.recall`. */
  readonly msgId: string
}

/**
 * Everything `send` can fail with (`unsafe`: includes `DouyinOutcomeUnknown`).
 *
 * @since 0.1.0
 * @category errors
 */
export type Error = DouyinError.UnsafeError

/**
 * Wire body `{ msg_id }` ⇄ `Output`.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Response = Schema.Struct({ msgId: wireString("msg_id") })

const absent = Schema.optional(Schema.Undefined)

/**
 * Input ⇄ wire body `{ group_id | group_token, content: { msg_type, <variant> } }`.
 * Both or neither of `groupId` / `groupToken`, an empty one, or a content variant the
 * endpoint does not take, fail to encode (so nothing is sent).
 *
 * @since 0.1.0
 * @category schemas
 */
export const Request = Schema.Union(
  Schema.Struct({
    openId: Endpoint.OpenId,
    groupId: requiredString("group_id"),
    groupToken: absent,
    content: MessageContent.GroupMessageContent
  }).annotations({ identifier: "SendGroupMessage.ToGroupId" }),
  Schema.Struct({
    openId: Endpoint.OpenId,
    groupToken: requiredString("group_token"),
    groupId: absent,
    content: MessageContent.GroupMessageContent
  }).annotations({ identifier: "SendGroupMessage.ToGroupToken" })
)

/**
 * The endpoint descriptor.
 *
 * @since 0.1.0
 * @category descriptors
 */
export const descriptor = Endpoint.make({
  id: "group/SendGroupMessage",
  scope: "im.group_message",
  idempotency: "unsafe",
  envelope: "A",
  method: "POST",
  path: "/im/send/msg/group/",
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
 * The send-group-message endpoint as a service.
 *
 * @since 0.1.0
 * @category tags
 */
export class SendGroupMessage extends Context.Tag("@effect-douyin/group/SendGroupMessage")<
  SendGroupMessage,
  Service
>() {}

/**
 * The service behind the `SendGroupMessage` tag: one method, exactly
 * `Endpoint.Handler<typeof descriptor>` (checked by `Endpoint.service`).
 *
 * @since 0.1.0
 * @category models
 */
export interface Service {
  /** `POST /im/send/msg/group/` — sends one message (unsafe: never retried when ambiguous). */
  readonly send: (input: Input) => Effect.Effect<Output, Error>
}

const parts = Endpoint.service(SendGroupMessage, "send", descriptor)

/**
 * Builds the `SendGroupMessage` service over the provided `DouyinClient`
 * (what {@link layer} provides).
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = parts.make

/**
 * Provides `SendGroupMessage` over the provided `DouyinClient`: a program that needs only this
 * endpoint has only this service in its `R`.
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = parts.layer

/**
 * `POST /im/send/msg/group/` through the provided `SendGroupMessage`.
 * Scope `im.group_message`; idempotency `unsafe`; fails with {@link Error} (`DouyinError.UnsafeError`).
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { MessageContent, SendGroupMessage } from "@effect-douyin/group"
 *
 * const program = SendGroupMessage.send({
 *   openId: "creator-open-id",
 *   groupId: "@7aaaa==",
 *   content: MessageContent.text("Live in 10 minutes!")
 * }).pipe(Effect.map(({ msgId }) => msgId))
 * ```
 *
 * @since 0.1.0
 * @category accessors
 */
export const send = parts.accessor
