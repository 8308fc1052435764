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

/**
 * Mini-program guide-card templates: review status, the template model.
 *
 * @since 0.3.0
 */
export * as AppletTemplate from "./AppletTemplate.js"

/**
 * `POST /api/douyin/v1/im/del_applet_template/` — delete a mini-program card template (convergent; client token).
 *
 * @since 0.3.0
 */
export * as DeleteAppletTemplate from "./DeleteAppletTemplate.js"

/**
 * `GET /im/del/retain_consult_card/` — delete a lead card (convergent).
 *
 * @since 0.3.0
 */
export * as DeleteLeadCard from "./DeleteLeadCard.js"

/**
 * Lead-collection cards: components, review status, the card model.
 *
 * @since 0.3.0
 */
export * as LeadCard from "./LeadCard.js"

/**
 * `POST /api/douyin/v1/im/get_applet_template/` — mini-program card templates, paged and as a `Stream` (read; client token).
 *
 * @since 0.3.0
 */
export * as ListAppletTemplates from "./ListAppletTemplates.js"

/**
 * `GET /im/get/retain_consult_card/` — the operator's lead cards (read).
 *
 * @since 0.3.0
 */
export * as ListLeadCards from "./ListLeadCards.js"

/**
 * One layer providing the seven media and card endpoint services.
 *
 * @since 0.3.0
 */
export * as MediaApi from "./MediaApi.js"

/**
 * The ids message content refers to: `ImageId`, `LeadCardId`, `AppletTemplateId`.
 *
 * @since 0.3.0
 */
export * as MediaId from "./MediaId.js"

/**
 * `POST /im/save/retain_consult_card/` — create or update a lead card (unsafe).
 *
 * @since 0.3.0
 */
export * as SaveLeadCard from "./SaveLeadCard.js"

/**
 * `POST /api/douyin/v1/im/set_applet_template/` — create or update a mini-program card template (convergent; client token).
 *
 * @since 0.3.0
 */
export * as SetAppletTemplate from "./SetAppletTemplate.js"

/**
 * `POST /tool/imagex/client_upload/` — upload an image: bytes, a file or a stream (convergent; client token).
 *
 * @since 0.3.0
 */
export * as UploadImage from "./UploadImage.js"
