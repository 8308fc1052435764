/**
 * Recalls (withdraws) a group message (撤回群消息).
 *
 * - Endpoint: `POST /im/recall/msg/` (body `msg_id`, `conversation_id`, `conversation_type: 2`)
 * - Scope: `im.recall_message`
 * - Idempotency: `convergent` — recalling twice ends in the same state, so it is retried
 * - Errors: {@link Error}
 *
 * Members may recall their own messages, admins also ordinary members', the owner anyone's;
 * non-admin / non-owner recalls only within 2 minutes of sending.
 *
 * @example
 * ```ts
 * import { RecallGroupMessage } from "@effect-douyin/group"
 *
 * const program = RecallGroupMessage.recall({
 *   openId: "creator-open-id",
 *   msgId: "@c29bfc000+MNgg==",
 *   conversationId: "@c29bfc000+MNgg=="
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

/**
 * @since 0.1.0
 * @category models
 */
export interface Input {
  /** The operator recalling the message. */
  readonly openId: string
  /** The message id (`msgId` from send, or `server_message_id` from the group webhook). */
  readonly msgId: string
  /** The group conversation id (`conversation_short_id` from the group webhook). */
  readonly conversationId: string
}

/**
 * Nothing: Douyin answers only the envelope.
 *
 * @since 0.1.0
 * @category models
 */
export type Output = void

/**
 * Everything `recall` can fail with.
 *
 * @since 0.1.0
 * @category errors
 */
export type Error = DouyinError.ConvergentError

/**
 * Wire `conversation_type` for a group conversation.
 *
 * @since 0.1.0
 * @category constants
 */
export const groupConversationType = 2 as const

/**
 * Input ⇄ wire `{ open_id, msg_id, conversation_id, conversation_type: 2 }`.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Request = Schema.transform(
  Schema.Struct({
    open_id: Schema.String,
    msg_id: Schema.String,
    conversation_id: Schema.String,
    conversation_type: Schema.Literal(groupConversationType)
  }),
  Schema.Struct({
    openId: Schema.NonEmptyTrimmedString,
    msgId: Schema.NonEmptyTrimmedString,
    conversationId: Schema.NonEmptyTrimmedString
  }),
  {
    strict: true,
    decode: (wire) => ({ openId: wire.open_id, msgId: wire.msg_id, conversationId: wire.conversation_id }),
    encode: (input) => ({
      open_id: input.openId,
      msg_id: input.msgId,
      conversation_id: input.conversationId,
      conversation_type: groupConversationType
    })
  }
)

/**
 * The endpoint descriptor.
 *
 * @since 0.1.0
 * @category descriptors
 */
export const descriptor = Endpoint.make({
  id: "group/RecallGroupMessage",
  scope: "im.recall_message",
  idempotency: "convergent",
  envelope: "B",
  method: "POST",
  path: "/im/recall/msg/",
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
 * The recall-group-message endpoint as a service.
 *
 * @since 0.1.0
 * @category tags
 */
export class RecallGroupMessage extends Context.Tag("@effect-douyin/group/RecallGroupMessage")<
  RecallGroupMessage,
  Service
>() {}

/**
 * The service behind the `RecallGroupMessage` tag: one method, exactly
 * `Endpoint.Handler<typeof descriptor>` (checked by `Endpoint.service`).
 *
 * @since 0.1.0
 * @category models
 */
export interface Service {
  /** `POST /im/recall/msg/` — recalls a group message. */
  readonly recall: (input: Input) => Effect.Effect<Output, Error>
}

const parts = Endpoint.service(RecallGroupMessage, "recall", descriptor)

/**
 * Builds the `RecallGroupMessage` service over the provided `DouyinClient`
 * (what {@link layer} provides).
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = parts.make

/**
 * Provides `RecallGroupMessage` over the provided `DouyinClient`: a program that needs only this
 * endpoint has only this service in its `R`.
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = parts.layer

/**
 * `POST /im/recall/msg/` through the provided `RecallGroupMessage`.
 * Scope `im.recall_message`; idempotency `convergent`; fails with {@link Error} (`DouyinError.ConvergentError`).
 *
 * @example
 * ```ts
 * import { RecallGroupMessage } from "@effect-douyin/group"
 *
 * const program = RecallGroupMessage.recall({
 *   openId: "creator-open-id",
 *   msgId: "@c29bfc000+MNgg==",
 *   conversationId: "@c29bfc000+MNgg=="
 * })
 * ```
 *
 * @since 0.1.0
 * @category accessors
 */
export const recall = parts.accessor
