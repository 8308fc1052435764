/**
 * The entry-audit routes: list the applications to the owner's groups (paged) and approve or
 * reject one.
 */
import * as HashMap from "effect/HashMap"
import { type Handled, type Input, no, ok, ownedGroup } from "./imRoute.js"
import * as SandboxWebhook from "../SandboxWebhook.js"
import { type Application, type ApplyStatus, emit, ordered, type State } from "./model.js"
import { int, invalid, isRejection, queryInt, str } from "./request.js"

const applicationWire = (a: Application) => ({
  apply_id: a.applyId,
  apply_status: a.status,
  create_time: a.createTime,
  group_id: a.groupId,
  user_id: a.userId
})

export const auditGet = (state: State, { openId, query }: Input): Handled => {
  const size = queryInt(query, "count")
  if (isRejection(size)) return no(size, state)
  if (size === undefined || size < 1 || size > 50) return no(invalid("count is required and must be 1..50"), state)
  const cursor = queryInt(query, "cursor") ?? 0
  if (isRejection(cursor)) return no(cursor, state)
  if (cursor < 0) return no(invalid("cursor must not be negative"), state)
  const owned = new Set(ordered(state.groups).filter((g) => g.ownerOpenId === openId).map((g) => g.groupId))
  const all = ordered(state.applications).filter((a) => owned.has(a.groupId))
  const page = all.slice(cursor, cursor + size)
  const next = cursor + page.length
  return ok({ apply_list: { cursor: next, has_more: next < all.length, list: page.map(applicationWire) } }, state)
}

export const auditSet = (state: State, { body, ctx, openId }: Input): Handled => {
  const applyId = str(body, "apply_id")
  if (isRejection(applyId)) return no(applyId, state)
  const status = int(body["status"], "status", [2, 3])
  if (isRejection(status)) return no(status, state)
  const application = HashMap.get(state.applications, applyId)
  if (application._tag === "None") return no(invalid(`application ${applyId} does not exist`), state)
  const group = ownedGroup(state, openId, application.value.groupId)
  if (isRejection(group)) return no(group, state)
  const current = application.value.status
  // Convergent: the same decision again succeeds; a different one on a decided application fails.
  if (current === status) return ok({ success: true }, state)
  if (current !== 1) {
    return no(invalid(`application ${applyId} is not pending (already ${current === 2 ? "approved" : "rejected"})`), state)
  }
  const approved = status === 2
  const clientKey = state.config.clientKey
  const changed = SandboxWebhook.enterGroupAuditChange({
    clientKey,
    ownerOpenId: openId,
    applicantOpenId: application.value.userId,
    groupId: group.groupId,
    applyId,
    applyStatus: status as ApplyStatus,
    createTime: ctx.now
  })
  const joined = SandboxWebhook.groupFansEvent({
    clientKey,
    ownerOpenId: openId,
    memberOpenId: application.value.userId,
    groupId: group.groupId,
    groupType: group.groupType === 5 ? 5 : 2,
    createTime: ctx.now
  })
  return ok(
    { success: true },
    emit(
      {
        ...state,
        applications: HashMap.set(state.applications, applyId, { ...application.value, status: status as ApplyStatus }),
        groups: approved ? HashMap.set(state.groups, group.groupId, { ...group, existNum: group.existNum + 1 }) : state.groups
      },
      ...(approved ? [changed, joined] : [changed])
    )
  )
}
