/**
 * The sandbox's rules as pure functions of (state, request, now). No Effect, no I/O: the
 * public module runs them inside `Ref.modify` and applies latency afterwards.
 */
import { ErrorCode } from "@effect-douyin/core"
import * as Either from "effect/Either"
import * as HashMap from "effect/HashMap"
import * as envelope from "./envelope.js"
import {
  type Application,
  type ApplyStatus,
  type Fault,
  type Group,
  type Message,
  ordered,
  type Outcome,
  quotaOf,
  type Recorded,
  type State,
  settingKey,
  type TokenEntry,
  type WireRequest
} from "./model.js"

const C = ErrorCode.Codes

// ---------------------------------------------------------------------------------------------
// small helpers

interface Ctx {
  readonly now: number
  readonly nowSeconds: number
  readonly logId: string
}

const pad = (n: number, width: number) => n.toString().padStart(width, "0")

/** 34 characters like the recorded logids: UTC timestamp, `SANDBOX`, a sequence number. */
const makeLogId = (now: number, seq: number) => {
  const d = new Date(now)
  const stamp = `${d.getUTCFullYear()}${pad(d.getUTCMonth() + 1, 2)}${pad(d.getUTCDate(), 2)}` +
    `${pad(d.getUTCHours(), 2)}${pad(d.getUTCMinutes(), 2)}${pad(d.getUTCSeconds(), 2)}`
  return `${stamp}SANDBOX${pad(seq % 1e13, 13)}`
}

const nextSeq = (state: State): [number, State] => [state.seq + 1, { ...state, seq: state.seq + 1 }]

type Body = Readonly<Record<string, unknown>>

class Rejection {
  constructor(readonly code: number, readonly description: string) {}
}

const invalid = (description: string) => new Rejection(C.invalidParameter, description)

const str = (body: Body, key: string): string | Rejection => {
  const v = body[key]
  return typeof v === "string" && v.trim() !== "" ? v : invalid(`${key} is required and must be a non-empty string`)
}

const optStr = (body: Body, key: string): string | undefined | Rejection => {
  const v = body[key]
  if (v === undefined || v === null) return undefined
  return typeof v === "string" ? v : invalid(`${key} must be a string`)
}

const int = (value: unknown, key: string, allowed?: ReadonlyArray<number>): number | Rejection => {
  if (typeof value !== "number" || !Number.isInteger(value)) return invalid(`${key} must be an integer`)
  if (allowed !== undefined && !allowed.includes(value)) return invalid(`${key} must be one of ${allowed.join(", ")}`)
  return value
}

const optInt = (body: Body, key: string, fallback: number, allowed?: ReadonlyArray<number>): number | Rejection =>
  body[key] === undefined || body[key] === null ? fallback : int(body[key], key, allowed)

const isRejection = (u: unknown): u is Rejection => u instanceof Rejection

// ---------------------------------------------------------------------------------------------
// message content (douyin-api.md §3)

const variantOf: Readonly<Record<number, string>> = {
  1: "text",
  2: "image",
  3: "video",
  8: "retain_consult_card",
  10: "applet_card",
  11: "applet_coupon"
}

const sendTypes = [1, 2, 3, 8, 10]
const settingTypes = [1, 10, 11]

const checkVariant = (msgType: number, v: unknown): Rejection | undefined => {
  if (typeof v !== "object" || v === null || Array.isArray(v)) {
    return invalid(`${variantOf[msgType]} must be an object`)
  }
  const o = v as Body
  const need = (...keys: ReadonlyArray<string>) => {
    for (const k of keys) {
      const r = str(o, k)
      if (isRejection(r)) return invalid(`${variantOf[msgType]}.${k} is required`)
    }
    return undefined
  }
  switch (msgType) {
    case 1:
      return need("text")
    case 2:
      return need("media_id")
    case 3:
      return need("item_id")
    case 8:
      return need("card_id")
    case 10: {
      const missing = need("card_template_id", "app_id")
      if (missing) return missing
      if (o["path"] !== undefined && o["schema"] !== undefined) {
        return invalid("applet_card.path and applet_card.schema are mutually exclusive")
      }
      return undefined
    }
    case 11: {
      const a = int(o["activity_id"], "applet_coupon.activity_id")
      if (isRejection(a)) return a
      const m = int(o["coupon_meta_id"], "applet_coupon.coupon_meta_id")
      return isRejection(m) ? m : undefined
    }
  }
  return invalid(`msg_type ${msgType} is not supported`)
}

/** `{ msg_type, <one variant> }`, nothing else (the Go client's all-variants body is rejected). */
const checkContent = (content: unknown, allowed: ReadonlyArray<number>, where: string): Rejection | undefined => {
  if (typeof content !== "object" || content === null || Array.isArray(content)) {
    return invalid(`${where} must be an object`)
  }
  const o = content as Body
  const msgType = int(o["msg_type"], `${where}.msg_type`, allowed)
  if (isRejection(msgType)) return msgType
  const key = variantOf[msgType]!
  const extra = Object.keys(o).filter((k) => k !== "msg_type" && k !== key)
  if (extra.length > 0) {
    return invalid(`${where} must carry only msg_type and ${key}; unexpected: ${extra.join(", ")}`)
  }
  return checkVariant(msgType, o[key])
}

// ---------------------------------------------------------------------------------------------
// tokens

type TokenCheck = Rejection | undefined

const checkToken = (state: State, openId: string, token: string | undefined, now: number): TokenCheck => {
  if (token === undefined || token.trim() === "") {
    return new Rejection(C.accessTokenInvalid, "access-token header is missing")
  }
  const entry = HashMap.get(state.tokens, token)
  if (entry._tag === "Some") {
    const e: TokenEntry = entry.value
    if (e.openId !== openId) return new Rejection(C.openIdMismatch, "access_token does not belong to open_id")
    if (e.revoked || (e.expiresAt !== undefined && now >= e.expiresAt)) {
      return new Rejection(C.accessTokenExpired, "access_token expired")
    }
    return undefined
  }
  const registered = HashMap.some(state.tokens, (e) => e.openId === openId)
  if (state.config.strictTokens || registered) return new Rejection(C.accessTokenInvalid, "access_token invalid")
  return undefined
}

// ---------------------------------------------------------------------------------------------
// endpoints

type Handled = readonly [Either.Either<Record<string, unknown>, Rejection>, State]

interface Input {
  readonly openId: string
  readonly query: Readonly<Record<string, string>>
  readonly body: Body
  readonly ctx: Ctx
}

const ok = (payload: Record<string, unknown>, state: State): Handled => [Either.right(payload), state]
const no = (rejection: Rejection, state: State): Handled => [Either.left(rejection), state]

const ownedGroup = (state: State, openId: string, groupId: string): Group | Rejection => {
  const group = HashMap.get(state.groups, groupId)
  if (group._tag === "None") return invalid(`group ${groupId} does not exist`)
  if (group.value.ownerOpenId !== openId) {
    return new Rejection(C.noPermission, `open_id is not the owner of group ${groupId}`)
  }
  return group.value
}

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

const count = (state: State, { openId }: Input): Handled => ok({ left_count: quotaOf(state, openId) }, state)

const create = (state0: State, { body, ctx, openId }: Input): Handled => {
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

const list = (state: State, { openId }: Input): Handled =>
  ok({ group_list: ordered(state.groups).filter((g) => g.ownerOpenId === openId).map(groupWire) }, state)

const send = (state0: State, { body, ctx, openId }: Input): Handled => {
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
  const bad = checkContent(body["content"], sendTypes, "content")
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

const recall = (state: State, { body, openId }: Input): Handled => {
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

const settingSet = (state: State, { body, openId }: Input): Handled => {
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
    const bad = checkContent(item, settingTypes, `msg_list[${i}]`)
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

const settingDisable = (state: State, { body, openId }: Input): Handled => {
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

const queryInt = (query: Readonly<Record<string, string>>, key: string): number | undefined | Rejection => {
  const v = query[key]
  if (v === undefined || v === "") return undefined
  return /^-?\d+$/.test(v) ? Number(v) : invalid(`${key} must be an integer`)
}

const applicationWire = (a: Application) => ({
  apply_id: a.applyId,
  apply_status: a.status,
  create_time: a.createTime,
  group_id: a.groupId,
  user_id: a.userId
})

const auditGet = (state: State, { openId, query }: Input): Handled => {
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

const auditSet = (state: State, { body, openId }: Input): Handled => {
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
  return ok({ success: true }, {
    ...state,
    applications: HashMap.set(state.applications, applyId, { ...application.value, status: status as ApplyStatus }),
    groups: approved ? HashMap.set(state.groups, group.groupId, { ...group, existNum: group.existNum + 1 }) : state.groups
  })
}

// ---------------------------------------------------------------------------------------------
// OAuth (shape C)

type OAuthHandled = readonly [Outcome, State]

const oauthError = (ctx: Ctx, state: State, code: number, description: string): OAuthHandled => [
  envelope.errorC(code, description, ctx.logId, ctx.nowSeconds),
  state
]

const issueTokens = (state0: State, ctx: Ctx, openId: string, scope: string): OAuthHandled => {
  const [seq, state] = nextSeq(state0)
  const cfg = state.config
  const accessToken = `act.sandbox${pad(seq, 8)}`
  const refreshToken = `rft.sandbox${pad(seq, 8)}`
  return [
    envelope.successC({
      access_token: accessToken,
      expires_in: Math.floor(cfg.accessTokenLifetimeMillis / 1000),
      open_id: openId,
      refresh_token: refreshToken,
      refresh_expires_in: Math.floor(cfg.refreshTokenLifetimeMillis / 1000),
      scope
    }, ctx.logId),
    {
      ...state,
      tokens: HashMap.set(state.tokens, accessToken, {
        token: accessToken,
        openId,
        expiresAt: ctx.now + cfg.accessTokenLifetimeMillis,
        revoked: false
      }),
      refreshTokens: HashMap.set(state.refreshTokens, refreshToken, {
        refreshToken,
        openId,
        accessToken,
        expiresAt: ctx.now + cfg.refreshTokenLifetimeMillis,
        scope
      })
    }
  ]
}

const checkClient = (state: State, fields: Body, withSecret: boolean): Rejection | undefined => {
  const key = str(fields, "client_key")
  if (isRejection(key)) return new Rejection(C.oauthParameterError, "client_key is required")
  const cfg = state.config
  if (cfg.clientKey !== undefined && key !== cfg.clientKey) {
    return new Rejection(C.oauthParameterError, "client_key invalid")
  }
  if (withSecret) {
    const secret = str(fields, "client_secret")
    if (isRejection(secret)) return new Rejection(C.oauthParameterError, "client_secret is required")
    if (cfg.clientSecret !== undefined && secret !== cfg.clientSecret) {
      return new Rejection(C.oauthParameterError, "client_key or client_secret wrong")
    }
  }
  return undefined
}

const accessTokenRoute = (state: State, fields: Body, ctx: Ctx): OAuthHandled => {
  const client = checkClient(state, fields, true)
  if (client) return oauthError(ctx, state, client.code, client.description)
  if (fields["grant_type"] !== "authorization_code") {
    return oauthError(ctx, state, C.oauthParameterError, "grant_type must be authorization_code")
  }
  const code = typeof fields["code"] === "string" ? fields["code"] : ""
  const entry = HashMap.get(state.authCodes, code)
  if (entry._tag === "None" || ctx.now >= entry.value.expiresAt) {
    return oauthError(ctx, state, C.oauthParameterError, "authorization code invalid, used or expired")
  }
  // Single use.
  const used = { ...state, authCodes: HashMap.remove(state.authCodes, code) }
  return issueTokens(used, ctx, entry.value.openId, entry.value.scope)
}

const refreshTokenRoute = (state: State, fields: Body, ctx: Ctx): OAuthHandled => {
  const client = checkClient(state, fields, false)
  if (client) return oauthError(ctx, state, client.code, client.description)
  if (fields["grant_type"] !== "refresh_token") {
    return oauthError(ctx, state, C.oauthParameterError, "grant_type must be refresh_token")
  }
  const refreshToken = typeof fields["refresh_token"] === "string" ? fields["refresh_token"] : ""
  const entry = HashMap.get(state.refreshTokens, refreshToken)
  if (entry._tag === "None") return oauthError(ctx, state, C.oauthParameterError, "refresh_token invalid")
  const r = entry.value
  if (ctx.now >= r.expiresAt) return oauthError(ctx, state, C.refreshTokenExpired, "refresh_token expired")
  const cfg = state.config
  const current = HashMap.get(state.tokens, r.accessToken)
  const alive = current._tag === "Some" && !current.value.revoked &&
    (current.value.expiresAt === undefined || ctx.now < current.value.expiresAt)
  // douyin-api.md §6: a live token is kept and extended; an expired one is replaced.
  let state1 = state
  let accessToken = r.accessToken
  if (alive) {
    state1 = {
      ...state,
      tokens: HashMap.set(state.tokens, accessToken, { ...current.value, expiresAt: ctx.now + cfg.accessTokenLifetimeMillis })
    }
  } else {
    const [seq, next] = nextSeq(state)
    accessToken = `act.sandbox${pad(seq, 8)}`
    state1 = {
      ...next,
      tokens: HashMap.set(next.tokens, accessToken, {
        token: accessToken,
        openId: r.openId,
        expiresAt: ctx.now + cfg.accessTokenLifetimeMillis,
        revoked: false
      })
    }
  }
  state1 = { ...state1, refreshTokens: HashMap.set(state1.refreshTokens, refreshToken, { ...r, accessToken }) }
  return [
    envelope.successC({
      access_token: accessToken,
      expires_in: Math.floor(cfg.accessTokenLifetimeMillis / 1000),
      open_id: r.openId,
      refresh_token: refreshToken,
      // The refresh token's own expiry is unchanged by a refresh.
      refresh_expires_in: Math.max(0, Math.floor((r.expiresAt - ctx.now) / 1000)),
      scope: r.scope
    }, ctx.logId),
    state1
  ]
}

// ---------------------------------------------------------------------------------------------
// routing

interface ImRoute {
  readonly method: "GET" | "POST"
  readonly envelope: "A" | "B"
  readonly run: (state: State, input: Input) => Handled
}

const imRoutes: Readonly<Record<string, ImRoute>> = {
  "/im/group/count/": { method: "GET", envelope: "A", run: count },
  "/im/group/fans/create/": { method: "POST", envelope: "A", run: create },
  "/im/group/fans/list/": { method: "GET", envelope: "A", run: list },
  "/im/send/msg/group/": { method: "POST", envelope: "A", run: send },
  "/im/recall/msg/": { method: "POST", envelope: "B", run: recall },
  "/im/group/setting/set/": { method: "POST", envelope: "B", run: settingSet },
  "/im/group/setting/disable/": { method: "POST", envelope: "B", run: settingDisable },
  "/im/group/enter/audit/get/": { method: "GET", envelope: "A", run: auditGet },
  "/im/group/enter/audit/set/": { method: "POST", envelope: "A", run: auditSet }
}

const oauthRoutes: Readonly<Record<string, (state: State, fields: Body, ctx: Ctx) => OAuthHandled>> = {
  "/oauth/access_token/": accessTokenRoute,
  "/oauth/refresh_token/": refreshTokenRoute
}

/** Every path the sandbox serves, as `"METHOD /path/"`. */
export const routes: ReadonlyArray<string> = [
  ...Object.entries(imRoutes).map(([path, r]) => `${r.method} ${path}`),
  ...Object.keys(oauthRoutes).map((path) => `POST ${path}`)
]

const parseJsonObject = (text: string): Body | undefined => {
  if (text.trim() === "") return {}
  try {
    const v: unknown = JSON.parse(text)
    return typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Body) : undefined
  } catch {
    return undefined
  }
}

const parseForm = (text: string): Body => Object.fromEntries(new URLSearchParams(text))

const parsedBody = (request: WireRequest): unknown => {
  if (request.bodyText === "") return undefined
  const type = request.headers["content-type"] ?? ""
  if (type.includes("application/x-www-form-urlencoded")) return parseForm(request.bodyText)
  try {
    return JSON.parse(request.bodyText)
  } catch {
    return request.bodyText
  }
}

const matches = (fault: Fault, request: WireRequest) =>
  fault.times > 0 &&
  (fault.route === undefined || fault.route === request.path || fault.route === `${request.method} ${request.path}`)

/** Takes one use of the first matching fault of the given kinds. */
const takeFault = (
  state: State,
  request: WireRequest,
  kinds: ReadonlyArray<Fault["kind"]>
): [Fault | undefined, State] => {
  const index = state.faults.findIndex((f) => kinds.includes(f.kind) && matches(f, request))
  if (index < 0) return [undefined, state]
  const fault = state.faults[index]!
  const faults = fault.times - 1 <= 0
    ? state.faults.filter((_, i) => i !== index)
    : state.faults.map((f, i) => (i === index ? { ...f, times: f.times - 1 } : f))
  return [fault, { ...state, faults }]
}

const bareContentType = (headers: Readonly<Record<string, string>>) =>
  (headers["content-type"] ?? "").split(";")[0]!.trim().toLowerCase()

/** The result of one wire request: what to answer, after how long, and the next state. */
export interface Step {
  readonly outcome: Outcome
  readonly delayMillis: number
}

/**
 * One wire request. Pure: `now` is the sandbox clock.
 */
export const handle = (state0: State, request: WireRequest, now: number): readonly [Step, State] => {
  const record: Recorded = { method: request.method, path: request.path, query: request.query, body: parsedBody(request), at: now }
  const limit = state0.config.requestLogLimit
  const log = limit <= 0 ? [] : [...(state0.log.length >= limit ? state0.log.slice(1 - limit) : state0.log), record]
  const [seq, state1] = nextSeq({ ...state0, log })
  const ctx: Ctx = { now, nowSeconds: Math.floor(now / 1000), logId: makeLogId(now, seq) }

  const [latency, state2] = takeFault(state1, request, ["Latency"])
  const delayMillis = latency?.millis ?? 0
  const done = (outcome: Outcome, state: State) => [{ outcome, delayMillis }, state] as const

  const im: ImRoute | undefined = imRoutes[request.path]
  const oauth: ((state: State, fields: Body, ctx: Ctx) => OAuthHandled) | undefined = oauthRoutes[request.path]
  if (im === undefined && oauth === undefined) {
    return done(envelope.raw(404, `<html><body>404 Not Found: ${request.path}</body></html>`), state2)
  }
  if ((im !== undefined && request.method !== im.method) || (oauth !== undefined && request.method !== "POST")) {
    return done(envelope.raw(405, `<html><body>405 Method Not Allowed</body></html>`), state2)
  }

  const [fault, state] = takeFault(state2, request, ["Busy", "TokenExpired", "Drop", "HttpStatus"])
  const kind = (im === undefined ? "C" : im.envelope) as "A" | "B" | "C"
  const reject = (code: number, description: string): Outcome =>
    kind === "A"
      ? envelope.errorA(code, description, ctx.logId, ctx.nowSeconds)
      : kind === "B"
      ? envelope.replyB(code, description, ctx.logId)
      : envelope.errorC(code, description, ctx.logId, ctx.nowSeconds)

  if (fault !== undefined) {
    switch (fault.kind) {
      case "Busy":
        return done(reject(kind === "C" ? C.oauthSystemError : C.systemBusy, "system busy, retry later"), state)
      case "TokenExpired":
        return done(reject(kind === "C" ? C.oauthAccessTokenExpired : C.accessTokenExpired, "access_token expired"), state)
      case "HttpStatus":
        return done(
          envelope.raw(
            fault.status,
            fault.body,
            "text/html",
            fault.millis > 0 ? { "retry-after": String(Math.ceil(fault.millis / 1000)) } : {}
          ),
          state
        )
      case "Drop":
        if (!fault.executed) return done({ _tag: "Drop" }, state)
    }
  }
  const drop = fault?.kind === "Drop"

  if (oauth !== undefined) {
    const type = bareContentType(request.headers)
    const fields = type === "application/x-www-form-urlencoded"
      ? parseForm(request.bodyText)
      : parseJsonObject(request.bodyText)
    if (fields === undefined) return done(reject(C.oauthParameterError, "body is not valid JSON"), state)
    const [outcome, next] = oauth(state, { ...request.query, ...fields }, ctx)
    return done(drop ? { _tag: "Drop" } : outcome, next)
  }

  const route = im!
  if (bareContentType(request.headers) !== "application/json") {
    return done(reject(C.invalidParameter, "content-type must be application/json"), state)
  }
  const openId = request.query["open_id"] ?? ""
  if (openId.trim() === "") return done(reject(C.invalidParameter, "open_id is required"), state)
  const tokenProblem = checkToken(state, openId, request.headers["access-token"], now)
  if (tokenProblem) return done(reject(tokenProblem.code, tokenProblem.description), state)
  const body = route.method === "POST" ? parseJsonObject(request.bodyText) : {}
  if (body === undefined) return done(reject(C.invalidParameter, "body must be a JSON object"), state)

  const [result, next] = route.run(state, { openId, query: request.query, body, ctx })
  const outcome: Outcome = Either.match(result, {
    onLeft: (r) => reject(r.code, r.description),
    onRight: (payload) =>
      route.envelope === "A"
        ? envelope.successA(payload, ctx.logId, ctx.nowSeconds)
        : envelope.replyB(0, "", ctx.logId)
  })
  return done(drop ? { _tag: "Drop" } : outcome, next)
}

// ---------------------------------------------------------------------------------------------
// admin operations (what a test or demo does that no Douyin endpoint can)

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

export const addFault = (state: State, fault: Fault): State => ({ ...state, faults: [...state.faults, fault] })

export const clearFaults = (state: State): State => ({ ...state, faults: [] })
