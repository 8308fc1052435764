/**
 * @since 0.1.0
 */
export * as CreateFanGroup from "./CreateFanGroup.js"
export * as DisableGroupSetting from "./DisableGroupSetting.js"
export * as FanGroup from "./FanGroup.js"
export * as FanGroupApi from "./FanGroupApi.js"
export * as FanGroupQuota from "./FanGroupQuota.js"
export * as FanGroupSandbox from "./FanGroupSandbox.js"
export * as ListEntryApplications from "./ListEntryApplications.js"
export * as ListFanGroups from "./ListFanGroups.js"
export * as MessageContent from "./MessageContent.js"
export * as RecallGroupMessage from "./RecallGroupMessage.js"
export * as ReviewEntryApplication from "./ReviewEntryApplication.js"
export * as SendGroupMessage from "./SendGroupMessage.js"
export * as SetGroupSetting from "./SetGroupSetting.js"
