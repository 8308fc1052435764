/**
 * The IM paths the sandbox serves, with their method and envelope shape (docs/wire.md#the-nine-endpoints).
 */
import { auditGet, auditSet } from "./entryAudit.js"
import { count, create, list } from "./groups.js"
import type { ImRoute } from "./imRoute.js"
import { leadCardRoutes } from "./media.js"
import { recall, send } from "./messages.js"
import { settingDisable, settingSet } from "./settings.js"

const createFields = [
  "group_name",
  "description",
  "avatar_uri",
  "group_type",
  "active_fans",
  "fans_limit",
  "relation_type",
  "allow_invite",
  "item_auto_sync",
  "live_auto_sync",
  "open_audit_switch",
  "show_at_profile"
]

export const imRoutes: Readonly<Record<string, ImRoute>> = {
  "/im/group/count/": { method: "GET", envelope: "A", fields: [], run: count },
  "/im/group/fans/create/": { method: "POST", envelope: "A", fields: createFields, run: create },
  "/im/group/fans/list/": { method: "GET", envelope: "A", fields: [], run: list },
  "/im/send/msg/group/": { method: "POST", envelope: "A", fields: ["group_id", "group_token", "content"], run: send },
  "/im/recall/msg/": { method: "POST", envelope: "B", fields: ["msg_id", "conversation_id", "conversation_type"], run: recall },
  "/im/group/setting/set/": {
    method: "POST",
    envelope: "B",
    fields: ["group_setting_type", "msg_list", "group_id"],
    run: settingSet
  },
  "/im/group/setting/disable/": {
    method: "POST",
    envelope: "B",
    fields: ["group_id", "group_setting_type"],
    run: settingDisable
  },
  "/im/group/enter/audit/get/": { method: "GET", envelope: "A", fields: [], run: auditGet },
  "/im/group/enter/audit/set/": { method: "POST", envelope: "A", fields: ["apply_id", "status"], run: auditSet },
  ...leadCardRoutes
}
