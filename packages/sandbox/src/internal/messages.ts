/**
 * The group-message routes: send (by `group_id` or `group_token`) and recall.
 */
import * as HashMap from "effect/HashMap"
import { checkContent, sendTypes } from "./content.js"
import { pad, nextSeq } from "./ids.js"
import { unissued } from "./media.js"
import { type Handled, type Input, no, ok, ownedGroup } from "./imRoute.js"
import { type Message, ordered, type State } from "./model.js"
import { int, invalid, isRejection, optStr, str } from "./request.js"

export const send = (state0: State, { body, ctx, openId }: Input): Handled => {
  const groupIdField = optStr(body, "group_id")
  const groupTokenField = optStr(body, "group_token")
  if (isRejection(groupIdField)) return no(groupIdField, state0)
  if (isRejection(groupTokenField)) return no(groupTokenField, state0)
  if ((groupIdField === undefined || groupIdField === "") === (groupTokenField === undefined || groupTokenField === "")) {
    return no(invalid("exactly one of group_id and group_token is required"), state0)
  }
  const groupId = groupIdField !== undefined && groupIdField !== ""
    ? groupIdField
    : ordered(state0.groups).find((g) => g.groupToken === groupTokenField)?.groupId
  if (groupId === undefined) return no(invalid("group_token does not name a group"), state0)
  const group = ownedGroup(state0, openId, groupId)
  if (isRejection(group)) return no(group, state0)
  const bad = checkContent(body["content"], sendTypes, "content") ?? unissued(state0, body["content"])
  if (bad) return no(bad, state0)
  const [seq, state] = nextSeq(state0)
  const message: Message = {
    seq,
    msgId: `@SBXm${pad(HashMap.size(state.messages) + 1, 8)}==`,
    groupId: group.groupId,
    senderOpenId: openId,
    content: body["content"],
    sentAt: ctx.now,
    recalled: false
  }
  return ok({ msg_id: message.msgId }, { ...state, messages: HashMap.set(state.messages, message.msgId, message) })
}

export const recall = (state: State, { body, openId }: Input): Handled => {
  const msgId = str(body, "msg_id")
  if (isRejection(msgId)) return no(msgId, state)
  const conversationId = str(body, "conversation_id")
  if (isRejection(conversationId)) return no(conversationId, state)
  const conversationType = int(body["conversation_type"], "conversation_type", [2])
  if (isRejection(conversationType)) return no(invalid("conversation_type must be 2 (group)"), state)
  const message = HashMap.get(state.messages, msgId)
  if (message._tag === "None") return no(invalid(`message ${msgId} does not exist`), state)
  if (message.value.groupId !== conversationId) {
    return no(invalid(`message ${msgId} is not in conversation ${conversationId}`), state)
  }
  const group = ownedGroup(state, openId, message.value.groupId)
  if (isRejection(group)) return no(group, state)
  // Convergent: recalling a recalled message ends in the same state and succeeds.
  return ok({}, { ...state, messages: HashMap.set(state.messages, msgId, { ...message.value, recalled: true }) })
}
