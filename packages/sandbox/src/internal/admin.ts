/**
 * Admin operations: what a test or demo does that no Douyin endpoint can (a user applies to
 * join, a user authorizes the app, tokens registered or expired, quota set).
 */
import * as Either from "effect/Either"
import * as HashMap from "effect/HashMap"
import { nextSeq, pad } from "./ids.js"
import type { Application, State } from "./model.js"

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
  return [Either.right(application), {
    ...state,
    applications: HashMap.set(state.applications, application.applyId, application),
    groups: audited
      ? state.groups
      : HashMap.set(state.groups, group.value.groupId, { ...group.value, existNum: group.value.existNum + 1 })
  }]
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
      expiresAt: now + 10 * 60 * 1000
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
export const expireTokens = (state: State, openId: string): State => ({
  ...state,
  tokens: HashMap.map(state.tokens, (e) => (e.openId === openId ? { ...e, revoked: true } : e))
})

export const setQuota = (state: State, openId: string, left: number): State => ({
  ...state,
  quota: HashMap.set(state.quota, openId, Math.max(0, Math.floor(left)))
})
