/**
 * `@effect-douyin/group`: the nine Douyin IM fan-group endpoints as Effect services, the
 * fan-group domain model and message content.
 *
 * @since 0.1.0
 */

/**
 * Durable announcements: one message to many groups, journaled, resumable, never sent twice
 * without saying so.
 *
 * @since 0.2.0
 */
export * as Broadcast from "./Broadcast.js"

/**
 * Where a broadcast records each target's state: memory, an embedded file, or Redis.
 *
 * @since 0.2.0
 */
export * as BroadcastJournal from "./BroadcastJournal.js"

/**
 * Who a broadcast goes to (`Address`, `Target`) and the rule of a broadcast id (`BroadcastId`).
 *
 * @since 0.4.0
 */
export * as BroadcastTarget from "./BroadcastTarget.js"

/**
 * `POST /im/group/fans/create/` — create a fan group (unsafe).
 *
 * @since 0.1.0
 */
export * as CreateFanGroup from "./CreateFanGroup.js"

/**
 * `POST /im/group/setting/disable/` — turn off the welcome message or notice (convergent).
 *
 * @since 0.1.0
 */
export * as DisableGroupSetting from "./DisableGroupSetting.js"

/**
 * Domain model: group / setting / application enums, `FanGroup`, `EntryApplication`.
 *
 * @since 0.1.0
 */
export * as FanGroup from "./FanGroup.js"

/**
 * One layer providing all nine endpoint services.
 *
 * @since 0.1.0
 */
export * as FanGroupApi from "./FanGroupApi.js"

/**
 * `GET /im/group/count/` — remaining fan-group creation quota (read).
 *
 * @since 0.1.0
 */
export * as FanGroupQuota from "./FanGroupQuota.js"

/**
 * `GET /im/group/enter/audit/get/` — join applications, one page or as a `Stream` (read).
 *
 * @since 0.1.0
 */
export * as ListEntryApplications from "./ListEntryApplications.js"

/**
 * `GET /im/group/fans/list/` — the operator's fan groups (read).
 *
 * @since 0.1.0
 */
export * as ListFanGroups from "./ListFanGroups.js"

/**
 * Message content: tagged union, constructors, per-endpoint wire Schemas.
 *
 * @since 0.1.0
 */
export * as MessageContent from "./MessageContent.js"

/**
 * `POST /im/recall/msg/` — recall a group message (convergent).
 *
 * @since 0.1.0
 */
export * as RecallGroupMessage from "./RecallGroupMessage.js"

/**
 * `POST /im/group/enter/audit/set/` — approve or reject a join application (convergent).
 *
 * @since 0.1.0
 */
export * as ReviewEntryApplication from "./ReviewEntryApplication.js"

/**
 * `POST /im/send/msg/group/` — send a group message (unsafe).
 *
 * @since 0.1.0
 */
export * as SendGroupMessage from "./SendGroupMessage.js"

/**
 * `POST /im/group/setting/set/` — set the welcome message or notice (convergent).
 *
 * @since 0.1.0
 */
export * as SetGroupSetting from "./SetGroupSetting.js"

export * as WebhookConfig from "./WebhookConfig.js"
export * as WebhookDedupe from "./WebhookDedupe.js"
export * as WebhookEvent from "./WebhookEvent.js"
export * as WebhookHandler from "./WebhookHandler.js"
export * as WebhookSignature from "./WebhookSignature.js"
