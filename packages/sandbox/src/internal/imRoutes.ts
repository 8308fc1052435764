/**
 * The IM paths the sandbox serves, with their method and envelope shape (docs/wire.md#the-nine-endpoints).
 */
import { auditGet, auditSet } from "./entryAudit.js"
import { count, create, list } from "./groups.js"
import type { ImRoute } from "./imRoute.js"
import { leadCardRoutes } from "./media.js"
import { recall, send } from "./messages.js"
import { settingDisable, settingSet } from "./settings.js"

export const imRoutes: Readonly<Record<string, ImRoute>> = {
  "/im/group/count/": { method: "GET", envelope: "A", run: count },
  "/im/group/fans/create/": { method: "POST", envelope: "A", run: create },
  "/im/group/fans/list/": { method: "GET", envelope: "A", run: list },
  "/im/send/msg/group/": { method: "POST", envelope: "A", run: send },
  "/im/recall/msg/": { method: "POST", envelope: "B", run: recall },
  "/im/group/setting/set/": { method: "POST", envelope: "B", run: settingSet },
  "/im/group/setting/disable/": { method: "POST", envelope: "B", run: settingDisable },
  "/im/group/enter/audit/get/": { method: "GET", envelope: "A", run: auditGet },
  "/im/group/enter/audit/set/": { method: "POST", envelope: "A", run: auditSet },
  ...leadCardRoutes
}
