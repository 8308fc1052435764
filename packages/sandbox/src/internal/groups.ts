/**
 * The fan-group routes: quota (`/im/group/count/`), create and list.
 */
import * as HashMap from "effect/HashMap"
import { pad, nextSeq } from "./ids.js"
import { type Handled, type Input, no, ok } from "./imRoute.js"
import { type Group, ordered, quotaOf, type State } from "./model.js"
import { isRejection, optInt, Rejection, str } from "./request.js"

import { Codes as C } from "./codes.js"

const entryLimit = (g: Group): ReadonlyArray<string> | null => {
  const limits: Array<string> = []
  if (g.groupType === 5) limits.push("万粉")
  if (g.activeFans === 1) limits.push("活跃粉丝")
  if (g.fansLimit > 0) limits.push(`粉丝团${g.fansLimit}级及以上`)
  if (g.relationType === 1) limits.push("关注")
  else if (g.relationType > 1) limits.push(`关注超过${g.relationType}天`)
  return limits.length === 0 ? null : limits
}

const groupWire = (g: Group) => ({
  exist_num: g.existNum,
  group_name: g.groupName,
  max_num: g.maxNum,
  description: g.description,
  entry_limit: entryLimit(g),
  group_id: g.groupId,
  status: g.existNum >= g.maxNum ? "Full" : "Normal",
  tags: null,
  avatar_uri: g.avatarUri,
  group_type: g.groupType
})

export const count = (state: State, { openId }: Input): Handled => ok({ left_count: quotaOf(state, openId) }, state)

export const create = (state0: State, { body, ctx, openId }: Input): Handled => {
  const groupName = str(body, "group_name")
  const description = str(body, "description")
  const avatarUri = str(body, "avatar_uri")
  const groupType = optInt(body, "group_type", 2, [2, 5])
  const activeFans = optInt(body, "active_fans", 0, [0, 1])
  const fansLimit = optInt(body, "fans_limit", 0, [0, 1, 3, 5, 9, 12, 15, 17, 20])
  const relationType = optInt(body, "relation_type", 0, [0, 1, 7, 30, 60])
  const switches = ["allow_invite", "item_auto_sync", "live_auto_sync", "open_audit_switch", "show_at_profile"]
    .map((k) => optInt(body, k, 0))
  for (const v of [groupName, description, avatarUri, groupType, activeFans, fansLimit, relationType, ...switches]) {
    if (isRejection(v)) return no(v, state0)
  }
  const left = quotaOf(state0, openId)
  if (left <= 0) return no(new Rejection(C.quotaExhausted, "group creation quota exhausted"), state0)
  const [seq, state] = nextSeq(state0)
  const [allowInvite, itemAutoSync, liveAutoSync, openAuditSwitch, showAtProfile] = (switches as Array<number>)
    .map((v) => v === 1)
  const group: Group = {
    seq,
    groupId: `@SBXg${pad(HashMap.size(state.groups) + 1, 8)}==`,
    groupToken: `SBXt${pad(HashMap.size(state.groups) + 1, 8)}`,
    ownerOpenId: openId,
    groupName: groupName as string,
    description: description as string,
    avatarUri: avatarUri as string,
    groupType: groupType as number,
    activeFans: activeFans as number,
    fansLimit: fansLimit as number,
    relationType: relationType as number,
    allowInvite: allowInvite!,
    itemAutoSync: itemAutoSync!,
    liveAutoSync: liveAutoSync!,
    openAuditSwitch: openAuditSwitch!,
    showAtProfile: showAtProfile!,
    existNum: 1,
    maxNum: state.config.maxMembers,
    createdAt: ctx.now
  }
  return ok({ group_id: group.groupId }, {
    ...state,
    quota: HashMap.set(state.quota, openId, left - 1),
    groups: HashMap.set(state.groups, group.groupId, group)
  })
}

export const list = (state: State, { openId }: Input): Handled =>
  ok({ group_list: ordered(state.groups).filter((g) => g.ownerOpenId === openId).map(groupWire) }, state)
