/**
 * Webhook deliveries as Douyin makes them (docs/wire.md#webhooks): typed constructors for the
 * four group events, {@link sign} to turn one into a signed delivery (headers and the raw body)
 * for your own handler under test, and {@link post} to send it to a URL. The sandbox uses the
 * same functions for the deliveries it makes itself.
 *
 * The signature is `X-Douyin-Signature` = lowercase hex SHA-1 of the app secret followed by the
 * raw body; each delivery has a unique `Msg-Id` (the receiver's de-duplication key).
 *
 * @example
 * ```ts
 * import { SandboxWebhook } from "@effect-douyin/sandbox"
 * import { Redacted } from "effect"
 *
 * const event = SandboxWebhook.enterGroupAuditChange({
 *   clientKey: "my-app",
 *   ownerOpenId: "creator-1",
 *   applicantOpenId: "fan-1",
 *   groupId: "@group==",
 *   applyId: "@apply==",
 *   applyStatus: 1,
 *   createTime: 1_700_000_000_000
 * })
 * const delivery = SandboxWebhook.sign(event, Redacted.make("app-secret"), { msgId: "msg-1" })
 * // delivery.headers["x-douyin-signature"], delivery.body: feed them to your handler
 * ```
 *
 * @since 0.1.0
 */
import { randomUUID } from "node:crypto"
import { WebhookSignature } from "@effect-douyin/group"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import type * as Redacted from "effect/Redacted"
import * as Schema from "effect/Schema"

/**
 * The group events the sandbox delivers.
 *
 * @example
 * ```ts
 * import { SandboxWebhook } from "@effect-douyin/sandbox"
 *
 * const membership: ReadonlyArray<SandboxWebhook.EventName> = ["enter_group_audit_change", "group_fans_event"]
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export type EventName = "enter_group_audit_change" | "group_fans_event" | "im_group_receive_msg" | "im_group_send_msg"

/**
 * A webhook body as Douyin sends it (wire field names). `content` is a JSON-encoded string for
 * the two membership events and an object for the message events, as in the vendor's samples.
 *
 * @example
 * ```ts
 * import { SandboxWebhook } from "@effect-douyin/sandbox"
 *
 * const forOwner = (payloads: ReadonlyArray<SandboxWebhook.Payload>, openId: string) => payloads.filter((p) => p.to_user_id === openId)
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export interface Payload {
  readonly event: EventName
  readonly client_key: string
  readonly from_user_id: string
  readonly to_user_id: string
  readonly content: string | Readonly<Record<string, unknown>>
  readonly log_id?: string | undefined
}

/**
 * A join application was created or decided: `apply_status` 1 pending, 2 approved, 3 rejected.
 *
 * @example
 * ```ts
 * import { SandboxWebhook } from "@effect-douyin/sandbox"
 *
 * const applied = SandboxWebhook.enterGroupAuditChange({
 *   clientKey: "my-app",
 *   ownerOpenId: "creator-1",
 *   applicantOpenId: "fan-1",
 *   groupId: "@group==",
 *   applyId: "@apply==",
 *   applyStatus: 1,
 *   createTime: 1_700_000_000_000
 * })
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const enterGroupAuditChange = (options: {
  readonly clientKey: string
  readonly ownerOpenId: string
  readonly applicantOpenId: string
  readonly groupId: string
  readonly applyId: string
  readonly applyStatus: 1 | 2 | 3
  readonly createTime: number
  readonly nickname?: string | undefined
  readonly avatar?: string | undefined
}): Payload => ({
  event: "enter_group_audit_change",
  client_key: options.clientKey,
  from_user_id: options.applicantOpenId,
  to_user_id: options.ownerOpenId,
  content: JSON.stringify({
    create_time: options.createTime,
    user_avatar: options.avatar ?? "https://example.com/avatar.png",
    user_nicker: options.nickname ?? options.applicantOpenId,
    apply_status: options.applyStatus,
    apply_id: options.applyId,
    group_id: options.groupId
  })
})

/**
 * A user joined a fan group (`group_type` 1 = joined; `create_group_type` as the string the
 * vendor's sample has).
 *
 * @example
 * ```ts
 * import { SandboxWebhook } from "@effect-douyin/sandbox"
 *
 * const joined = SandboxWebhook.groupFansEvent({
 *   clientKey: "my-app",
 *   ownerOpenId: "creator-1",
 *   memberOpenId: "fan-1",
 *   groupId: "@group==",
 *   groupType: 2,
 *   createTime: 1_700_000_000_000
 * })
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const groupFansEvent = (options: {
  readonly clientKey: string
  readonly ownerOpenId: string
  readonly memberOpenId: string
  readonly groupId: string
  readonly groupType: 2 | 5
  readonly createTime: number
}): Payload => ({
  event: "group_fans_event",
  client_key: options.clientKey,
  from_user_id: options.memberOpenId,
  to_user_id: options.ownerOpenId,
  content: JSON.stringify({
    open_id: options.ownerOpenId,
    im_group_id: options.groupId,
    group_type: 1,
    create_time: options.createTime,
    create_group_type: String(options.groupType)
  })
})

/**
 * The fields of a group message event.
 *
 * @example
 * ```ts
 * import { SandboxWebhook } from "@effect-douyin/sandbox"
 *
 * const options: SandboxWebhook.MessageOptions = {
 *   clientKey: "my-app",
 *   ownerOpenId: "creator-1",
 *   senderOpenId: "fan-1",
 *   groupId: "@group==",
 *   msgId: "@msg==",
 *   createTime: 1_700_000_000_000,
 *   message: { type: "text", text: "hello" }
 * }
 * const posted = SandboxWebhook.imGroupReceiveMsg(options)
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export interface MessageOptions {
  readonly clientKey: string
  readonly ownerOpenId: string
  /** Who posted: a member (`im_group_receive_msg`) or the owner through the app (`im_group_send_msg`). */
  readonly senderOpenId: string
  readonly groupId: string
  readonly msgId: string
  readonly createTime: number
  /** `text` with `text`, or another `message_type` with its fields. */
  readonly message:
    | { readonly type: "text"; readonly text: string }
    | { readonly type: "image" | "video" | "retain_consult_card" | "other"; readonly fields?: Readonly<Record<string, unknown>> }
  /** `client_key` of the app when sent through the API, `""` from the Douyin app. */
  readonly source?: string | undefined
  readonly nickname?: string | undefined
}

const messageContent = (o: MessageOptions) => ({
  conversation_short_id: o.groupId,
  server_message_id: o.msgId,
  conversation_type: 2,
  create_time: o.createTime,
  message_type: o.message.type,
  owner_id: o.ownerOpenId,
  scene_type: 100,
  source: o.source ?? "",
  user_infos: [{ open_id: o.senderOpenId, nick_name: o.nickname ?? o.senderOpenId, avatar: "https://example.com/avatar.png" }],
  ...(o.message.type === "text" ? { text: o.message.text } : o.message.fields)
})

/**
 * A member posted in a group.
 *
 * @example
 * ```ts
 * import { SandboxWebhook } from "@effect-douyin/sandbox"
 *
 * const posted = SandboxWebhook.imGroupReceiveMsg({
 *   clientKey: "my-app",
 *   ownerOpenId: "creator-1",
 *   senderOpenId: "fan-1",
 *   groupId: "@group==",
 *   msgId: "@msg==",
 *   createTime: 1_700_000_000_000,
 *   message: { type: "text", text: "hello" }
 * })
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const imGroupReceiveMsg = (options: MessageOptions): Payload => ({
  event: "im_group_receive_msg",
  client_key: options.clientKey,
  from_user_id: options.senderOpenId,
  to_user_id: options.ownerOpenId,
  content: messageContent(options)
})

/**
 * The authorized account sent a group message (through the app: `source` is its client_key).
 *
 * @example
 * ```ts
 * import { SandboxWebhook } from "@effect-douyin/sandbox"
 *
 * const sent = SandboxWebhook.imGroupSendMsg({
 *   clientKey: "my-app",
 *   ownerOpenId: "creator-1",
 *   senderOpenId: "creator-1",
 *   groupId: "@group==",
 *   msgId: "@msg==",
 *   createTime: 1_700_000_000_000,
 *   message: { type: "text", text: "welcome" }
 * })
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const imGroupSendMsg = (options: MessageOptions): Payload => ({
  event: "im_group_send_msg",
  client_key: options.clientKey,
  from_user_id: options.senderOpenId,
  to_user_id: options.ownerOpenId,
  content: messageContent({ ...options, source: options.source ?? options.clientKey })
})

/**
 * A signed delivery: the headers and the raw body, exactly as sent.
 *
 * @example
 * ```ts
 * import { SandboxWebhook } from "@effect-douyin/sandbox"
 *
 * // a fetch init for your own handler's test
 * const init = (delivery: SandboxWebhook.Delivery): RequestInit => ({ method: "POST", headers: delivery.headers, body: delivery.body })
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export interface Delivery {
  readonly msgId: string
  readonly headers: {
    readonly "content-type": "application/json"
    readonly "x-douyin-signature": string
    readonly "msg-id": string
  }
  readonly body: string
}

/**
 * Serializes `payload` and signs it with the app secret; `msgId` defaults to a fresh one.
 *
 * @example
 * ```ts
 * import { SandboxWebhook } from "@effect-douyin/sandbox"
 * import { Redacted } from "effect"
 *
 * const event = SandboxWebhook.groupFansEvent({
 *   clientKey: "my-app",
 *   ownerOpenId: "creator-1",
 *   memberOpenId: "fan-1",
 *   groupId: "@group==",
 *   groupType: 2,
 *   createTime: 1_700_000_000_000
 * })
 * const delivery = SandboxWebhook.sign(event, Redacted.make("my-app-secret"), { msgId: "msg-1" })
 * ```
 *
 * @since 0.1.0
 * @category signing
 */
export const sign = (
  payload: Payload,
  secret: Redacted.Redacted<string>,
  options: { readonly msgId?: string | undefined } = {}
): Delivery => {
  const body = JSON.stringify(payload)
  const msgId = options.msgId ?? randomUUID()
  return {
    msgId,
    body,
    headers: { "content-type": "application/json", "x-douyin-signature": WebhookSignature.sign(secret, body), "msg-id": msgId }
  }
}

/**
 * A delivery that got no 2xx answer in time (`status` 0: no answer at all).
 *
 * @example
 * ```ts
 * import { SandboxWebhook } from "@effect-douyin/sandbox"
 * import { Effect, Redacted } from "effect"
 *
 * const event = SandboxWebhook.groupFansEvent({
 *   clientKey: "my-app",
 *   ownerOpenId: "creator-1",
 *   memberOpenId: "fan-1",
 *   groupId: "@group==",
 *   groupType: 2,
 *   createTime: 1_700_000_000_000
 * })
 * const status = SandboxWebhook.post("http://127.0.0.1:3000/webhooks/douyin", SandboxWebhook.sign(event, Redacted.make("secret"))).pipe(
 *   Effect.catchTag("DeliveryFailed", (e) => Effect.succeed(e.status))
 * )
 * ```
 *
 * @since 0.1.0
 * @category errors
 */
export class DeliveryFailed extends Schema.TaggedError<DeliveryFailed>()("DeliveryFailed", {
  url: Schema.String,
  status: Schema.Number,
  description: Schema.String
}) {
  override get message() {
    return `webhook delivery to ${this.url} failed: ${this.description}`
  }
}

/**
 * POSTs the delivery to `url` once, with a timeout (default 5 seconds, as Douyin); succeeds
 * with the status on a 2xx answer.
 *
 * @example
 * ```ts
 * import { SandboxWebhook } from "@effect-douyin/sandbox"
 * import { Redacted } from "effect"
 *
 * const event = SandboxWebhook.imGroupReceiveMsg({
 *   clientKey: "my-app",
 *   ownerOpenId: "creator-1",
 *   senderOpenId: "fan-1",
 *   groupId: "@group==",
 *   msgId: "@msg==",
 *   createTime: 1_700_000_000_000,
 *   message: { type: "text", text: "hello" }
 * })
 * // posts to your app's webhook route (not run here)
 * const delivered = SandboxWebhook.post(
 *   "http://127.0.0.1:3000/webhooks/douyin",
 *   SandboxWebhook.sign(event, Redacted.make("my-app-secret")),
 *   { timeout: "5 seconds" }
 * )
 * ```
 *
 * @since 0.1.0
 * @category sending
 */
export const post = (
  url: string,
  delivery: Delivery,
  options: { readonly timeout?: Duration.DurationInput | undefined } = {}
): Effect.Effect<number, DeliveryFailed> => {
  const millis = Duration.toMillis(Duration.decode(options.timeout ?? "5 seconds"))
  return Effect.tryPromise({
    try: async (signal) => {
      const response = await fetch(url, {
        method: "POST",
        headers: delivery.headers,
        body: delivery.body,
        signal: AbortSignal.any([signal, AbortSignal.timeout(millis)])
      })
      await response.arrayBuffer()
      return response.status
    },
    catch: (e) =>
      new DeliveryFailed({
        url,
        status: 0,
        description: e instanceof Error && e.name === "TimeoutError" ? `no answer within ${millis} ms` : String(e)
      })
  }).pipe(
    Effect.flatMap((status) =>
      status >= 200 && status < 300
        ? Effect.succeed(status)
        : Effect.fail(new DeliveryFailed({ url, status, description: `HTTP ${status}` }))
    )
  )
}
