/**
 * Admin operations: what a test or demo does that no Douyin endpoint can (a user applies to
 * join, a user authorizes the app, tokens registered or expired, quota set).
 */
import * as Either from "effect/Either"
import * as HashMap from "effect/HashMap"
import { nextSeq, pad } from "./ids.js"
import * as SandboxWebhook from "../SandboxWebhook.js"
import { type Application, emit, type Message, type State } from "./model.js"

/** A user applies to join a group: pending when the group audits entries, else joined at once. */
export const applyToJoin = (
  state0: State,
  options: { readonly groupId: string; readonly userId?: string | undefined },
  now: number
): readonly [Either.Either<Application, string>, State] => {
  const group = HashMap.get(state0.groups, options.groupId)
  if (group._tag === "None") return [Either.left(`group ${options.groupId} does not exist`), state0]
  const [seq, state] = nextSeq(state0)
  const audited = group.value.openAuditSwitch
  const application: Application = {
    seq,
    applyId: `@SBXa${pad(HashMap.size(state.applications) + 1, 8)}==`,
    groupId: options.groupId,
    userId: options.userId ?? `sandbox-user-${pad(HashMap.size(state.applications) + 1, 8)}`,
    status: audited ? 1 : 2,
    createTime: now
  }
  const g = group.value
  const clientKey = state.config.clientKey
  const event = audited
    ? SandboxWebhook.enterGroupAuditChange({
      clientKey,
      ownerOpenId: g.ownerOpenId,
      applicantOpenId: application.userId,
      groupId: g.groupId,
      applyId: application.applyId,
      applyStatus: 1,
      createTime: now
    })
    : SandboxWebhook.groupFansEvent({
      clientKey,
      ownerOpenId: g.ownerOpenId,
      memberOpenId: application.userId,
      groupId: g.groupId,
      groupType: g.groupType === 5 ? 5 : 2,
      createTime: now
    })
  return [
    Either.right(application),
    emit({
      ...state,
      applications: HashMap.set(state.applications, application.applyId, application),
      groups: audited ? state.groups : HashMap.set(state.groups, g.groupId, { ...g, existNum: g.existNum + 1 })
    }, event)
  ]
}

/** The user authorizes the app: an authorization code for `/oauth/access_token/` (10 minutes, single use). */
export const authorize = (
  state0: State,
  options: { readonly openId: string; readonly scope?: string | undefined },
  now: number
): readonly [string, State] => {
  const [seq, state] = nextSeq(state0)
  const code = `sandbox-code-${pad(seq, 8)}`
  return [code, {
    ...state,
    authCodes: HashMap.set(state.authCodes, code, {
      code,
      openId: options.openId,
      scope: options.scope ?? "im.group_fans.create_list,im.group_message,im.recall_message",
      expiresAt: now + state.config.authorizationCodeLifetimeMillis,
      used: false
    })
  }] as const
}

export const registerToken = (
  state: State,
  options: { readonly openId: string; readonly token: string; readonly expiresAt: number | undefined }
): State => ({
  ...state,
  tokens: HashMap.set(state.tokens, options.token, {
    token: options.token,
    openId: options.openId,
    expiresAt: options.expiresAt,
    revoked: false
  })
})

/** Every token of `openId` expires now (registered or issued). */
export const expireTokens = (state: State, openId: string, now: number): State => ({
  ...state,
  tokens: HashMap.map(
    state.tokens,
    (e) => e.openId === openId && (e.expiresAt === undefined || e.expiresAt > now) ? { ...e, expiresAt: now } : e
  )
})

/**
 * The creator withdrew the authorization in the Douyin app: every access token of `openId`
 * (registered or issued) and every refresh token dies at once. Left when `openId` has none.
 */
export const revokeAuthorization = (state: State, openId: string): readonly [Either.Either<void, string>, State] => {
  const owns = (e: { readonly openId: string }) => e.openId === openId
  if (!HashMap.some(state.tokens, owns) && !HashMap.some(state.refreshTokens, owns)) {
    return [Either.left(`${openId} has not authorized the app`), state]
  }
  return [Either.right(undefined), {
    ...state,
    tokens: HashMap.map(state.tokens, (e) => (owns(e) ? { ...e, revoked: true } : e)),
    refreshTokens: HashMap.map(state.refreshTokens, (e) => (owns(e) ? { ...e, revoked: true } : e))
  }]
}

export const setQuota = (state: State, openId: string, left: number): State => ({
  ...state,
  quota: HashMap.set(state.quota, openId, Math.max(0, Math.floor(left)))
})

/** The first token of `openId` (registered or issued), or a new one registered now. */
export const tokenOf = (state: State, openId: string): readonly [string, State] => {
  const tokens = Array.from(HashMap.values(state.tokens)).filter((e) => e.openId === openId)
  if (tokens.length > 0) return [tokens[0]!.token, state]
  const token = `act.sandbox.${openId}`
  return [token, registerToken(state, { openId, token, expiresAt: undefined })]
}

/** One creator of a seed: its token, quota and groups (wire field names, as a JSON file has them). */
export interface SeedCreator {
  readonly open_id: string
  readonly access_token?: string | undefined
  readonly quota?: number | undefined
  readonly groups?:
    | ReadonlyArray<{
      readonly group_name: string
      readonly description?: string | undefined
      readonly avatar_uri?: string | undefined
      readonly group_type?: 2 | 5 | undefined
      readonly open_audit_switch?: 0 | 1 | undefined
      readonly members?: number | undefined
    }>
    | undefined
}

/**
 * Adds creators who have authorized the app (each with a token), their quota and their groups
 * (which use no quota). Returns each creator's token.
 */
export const seed = (
  state0: State,
  creators: ReadonlyArray<SeedCreator>,
  now: number
): readonly [ReadonlyArray<{ readonly openId: string; readonly accessToken: string }>, State] => {
  let state = state0
  const tokens: Array<{ openId: string; accessToken: string }> = []
  for (const c of creators) {
    if (c.access_token !== undefined) {
      state = registerToken(state, { openId: c.open_id, token: c.access_token, expiresAt: undefined })
    }
    const [token, next] = tokenOf(state, c.open_id)
    state = next
    tokens.push({ openId: c.open_id, accessToken: c.access_token ?? token })
    if (c.quota !== undefined) state = setQuota(state, c.open_id, c.quota)
    for (const g of c.groups ?? []) {
      const [seq, s1] = nextSeq(state)
      const n = HashMap.size(s1.groups) + 1
      const group = {
        seq,
        groupId: `@SBXg${pad(n, 8)}==`,
        groupToken: `SBXt${pad(n, 8)}`,
        ownerOpenId: c.open_id,
        groupName: g.group_name,
        description: g.description ?? "",
        avatarUri: g.avatar_uri ?? "https://example.com/avatar.png",
        groupType: g.group_type ?? 2,
        activeFans: 0,
        fansLimit: 0,
        relationType: 0,
        allowInvite: false,
        itemAutoSync: false,
        liveAutoSync: false,
        openAuditSwitch: g.open_audit_switch === 1,
        showAtProfile: false,
        existNum: Math.max(1, g.members ?? 1),
        maxNum: s1.config.maxMembers,
        createdAt: now
      }
      state = { ...s1, groups: HashMap.set(s1.groups, group.groupId, group) }
    }
  }
  return [tokens, state]
}

/** A member posts a text in a group (as if from the Douyin app): kept, and `im_group_receive_msg`. */
export const postAsMember = (
  state0: State,
  options: { readonly groupId: string; readonly userId: string; readonly text: string },
  now: number
): readonly [Either.Either<Message, string>, State] => {
  const group = HashMap.get(state0.groups, options.groupId)
  if (group._tag === "None") return [Either.left(`group ${options.groupId} does not exist`), state0]
  if (options.text.trim() === "") return [Either.left("text must not be empty"), state0]
  const [seq, state] = nextSeq(state0)
  const message: Message = {
    seq,
    msgId: `@SBXm${pad(HashMap.size(state.messages) + 1, 8)}==`,
    groupId: options.groupId,
    senderOpenId: options.userId,
    content: { msg_type: 1, text: { text: options.text } },
    sentAt: now,
    recalled: false
  }
  return [
    Either.right(message),
    emit(
      { ...state, messages: HashMap.set(state.messages, message.msgId, message) },
      SandboxWebhook.imGroupReceiveMsg({
        clientKey: state.config.clientKey,
        ownerOpenId: group.value.ownerOpenId,
        senderOpenId: options.userId,
        groupId: options.groupId,
        msgId: message.msgId,
        createTime: now,
        message: { type: "text", text: options.text }
      })
    )
  ]
}
