/**
 * Who a broadcast goes to, and how a broadcast is named: the `Address` and `Target` of
 * `Broadcast.run`, and {@link BroadcastId}, the rule a broadcast id follows (it becomes a file
 * name and a Redis key), as a Schema to check an id before the broadcast starts, or to decode
 * one from a request.
 *
 * @example
 * ```ts
 * import { BroadcastTarget } from "@effect-douyin/group"
 * import { Schema } from "effect"
 *
 * const id = Schema.decodeUnknownSync(BroadcastTarget.BroadcastId)("launch-2026-12-06")
 * const target: BroadcastTarget.Target = { openId: "creator-1", groupId: "group-1" }
 * ```
 *
 * @since 0.4.0
 */
import * as Schema from "effect/Schema"
import type * as MessageContent from "./MessageContent.js"

/**
 * Where a message goes: the operator (`open_id`) and one of its groups, by id or by token.
 *
 * @since 0.4.0
 * @category models
 */
export type Address =
  | { readonly openId: string; readonly groupId: string; readonly groupToken?: undefined }
  | { readonly openId: string; readonly groupToken: string; readonly groupId?: undefined }

/**
 * A target of a broadcast; `content` overrides the broadcast's content for this target.
 *
 * @since 0.4.0
 * @category models
 */
export type Target = Address & { readonly content?: MessageContent.GroupMessageContent | undefined }

/**
 * 1 to 128 characters of `A-Z a-z 0-9 . _ : -`, starting with a letter or a digit.
 *
 * @since 0.4.0
 * @category constants
 */
export const idPattern: RegExp = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/

/**
 * A broadcast id: {@link idPattern}. Ids become file names and Redis keys, so the alphabet is
 * safe for both. `Broadcast.run` checks its id with this very Schema.
 *
 * @since 0.4.0
 * @category schemas
 */
export const BroadcastId: Schema.Schema<string> = Schema.String.pipe(
  Schema.filter((id) => idPattern.test(id), {
    identifier: "BroadcastId",
    message: (issue) =>
      `broadcast id ${JSON.stringify(issue.actual)} must be 1-128 characters of A-Z a-z 0-9 . _ : - (starting with a letter or digit)`
  })
)
