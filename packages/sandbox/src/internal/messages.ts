/**
 * The group-message routes: send (by `group_id` or `group_token`) and recall.
 */
import * as HashMap from "effect/HashMap"
import { checkContent, sendTypes } from "./content.js"
import { pad, nextSeq } from "./ids.js"
import { unissued } from "./media.js"
import { type Handled, type Input, no, ok, ownedGroup } from "./imRoute.js"
import * as SandboxWebhook from "../SandboxWebhook.js"
import { emit, type Message, ordered, type State } from "./model.js"
import { int, invalid, isRejection, optStr, str } from "./request.js"

export const send = (state0: State, { body, ctx, openId }: Input): Handled => {
  const groupIdField = optStr(body, "group_id")
  const groupTokenField = optStr(body, "group_token")
  if (isRejection(groupIdField)) return no(groupIdField, state0)
  if (isRejection(groupTokenField)) return no(groupTokenField, state0)
  // Present means the address: an empty `group_id` beside a `group_token` is two addresses, one bad.
  if (groupIdField !== undefined && groupTokenField !== undefined) {
    return no(invalid("group_id and group_token are alternatives: send one"), state0)
  }
  if (groupIdField === undefined && groupTokenField === undefined) {
    return no(invalid("one of group_id and group_token is required"), state0)
  }
  if ((groupIdField ?? groupTokenField)!.trim() === "") {
    return no(invalid(`${groupIdField === undefined ? "group_token" : "group_id"} must be a non-empty string`), state0)
  }
  const groupId = groupIdField !== undefined
    ? groupIdField
    : ordered(state0.groups).find((g) => g.groupToken === groupTokenField)?.groupId
  if (groupId === undefined) return no(invalid("group_token does not name a group"), state0)
  const group = ownedGroup(state0, openId, groupId)
  if (isRejection(group)) return no(group, state0)
  const bad = checkContent(body["content"], sendTypes, "content", ctx.lenient) ?? unissued(state0, body["content"])
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
  const content = body["content"] as { readonly msg_type: number; readonly text?: { readonly text: string } }
  const sent = SandboxWebhook.imGroupSendMsg({
    clientKey: state.config.clientKey,
    ownerOpenId: openId,
    senderOpenId: openId,
    groupId: group.groupId,
    msgId: message.msgId,
    createTime: ctx.now,
    message: content.msg_type === 1
      ? { type: "text", text: content.text?.text ?? "" }
      : {
        type: content.msg_type === 2 ? "image" : content.msg_type === 3 ? "video" : content.msg_type === 8 ? "retain_consult_card" : "other"
      }
  })
  return ok(
    { msg_id: message.msgId },
    emit({ ...state, messages: HashMap.set(state.messages, message.msgId, message) }, sent)
  )
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
