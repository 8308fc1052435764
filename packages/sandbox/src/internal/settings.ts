/**
 * The group-setting routes: set (a welcome message or notice, per group or owner-wide) and
 * disable.
 */
import * as HashMap from "effect/HashMap"
import { checkContent, settingTypes } from "./content.js"
import { type Handled, type Input, no, ok, ownedGroup } from "./imRoute.js"
import { settingKey, type State } from "./model.js"
import { int, invalid, isRejection, optStr, str } from "./request.js"

export const settingSet = (state: State, { body, ctx, openId }: Input): Handled => {
  const settingType = int(body["group_setting_type"], "group_setting_type", [1, 2])
  if (isRejection(settingType)) return no(settingType, state)
  const groupId = optStr(body, "group_id")
  if (isRejection(groupId)) return no(groupId, state)
  if (groupId !== undefined) {
    const group = ownedGroup(state, openId, groupId)
    if (isRejection(group)) return no(group, state)
  }
  const msgList = body["msg_list"]
  if (!Array.isArray(msgList) || msgList.length === 0) return no(invalid("msg_list must be a non-empty array"), state)
  for (const [i, item] of msgList.entries()) {
    const bad = checkContent(item, settingTypes, `msg_list[${i}]`, ctx.lenient)
    if (bad) return no(bad, state)
  }
  const key = groupId ?? "*"
  return ok({}, {
    ...state,
    settings: HashMap.set(state.settings, settingKey(key, settingType), {
      groupId: key,
      ownerOpenId: openId,
      settingType,
      msgList,
      enabled: true
    })
  })
}

export const settingDisable = (state: State, { body, openId }: Input): Handled => {
  const groupId = str(body, "group_id")
  if (isRejection(groupId)) return no(groupId, state)
  const settingType = int(body["group_setting_type"], "group_setting_type", [1, 2])
  if (isRejection(settingType)) return no(settingType, state)
  const group = ownedGroup(state, openId, groupId)
  if (isRejection(group)) return no(group, state)
  const key = settingKey(groupId, settingType)
  const current = HashMap.get(state.settings, key)
  // Convergent: disabling a setting that is not set succeeds and changes nothing.
  return ok({}, {
    ...state,
    settings: current._tag === "Some"
      ? HashMap.set(state.settings, key, { ...current.value, enabled: false })
      : state.settings
  })
}
