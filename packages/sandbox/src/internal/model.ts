/**
 * The sandbox's state as plain immutable data. Every wire request is a pure step
 * `(state, request, now) → [outcome, state']` (see `router.ts`), run inside one `Ref.modify`,
 * so requests are atomic and the state lives in the layer that owns the `Ref`.
 */
import * as HashMap from "effect/HashMap"
import type { Payload } from "../SandboxWebhook.js"
import { emptyMedia, type MediaState } from "./mediaModel.js"

/** A request as the sandbox sees it, whichever face it came through. */
export interface WireRequest {
  readonly method: string
  readonly path: string
  readonly query: Readonly<Record<string, string>>
  /** Lower-case names. */
  readonly headers: Readonly<Record<string, string>>
  readonly bodyText: string
  /** The body's bytes (a multipart upload is binary); `bodyText` is their UTF-8 reading. */
  readonly bodyBytes?: Uint8Array | undefined
}

/** What the sandbox answers: a reply, or a dropped connection. */
export type Outcome =
  | {
    readonly _tag: "Reply"
    readonly status: number
    readonly headers: Readonly<Record<string, string>>
    readonly body: string
  }
  | { readonly _tag: "Drop" }

export interface Group {
  readonly seq: number
  readonly groupId: string
  /** Alternative address for sending (`group_token`). */
  readonly groupToken: string
  readonly ownerOpenId: string
  readonly groupName: string
  readonly description: string
  readonly avatarUri: string
  readonly groupType: number
  readonly activeFans: number
  readonly fansLimit: number
  readonly relationType: number
  readonly allowInvite: boolean
  readonly itemAutoSync: boolean
  readonly liveAutoSync: boolean
  readonly openAuditSwitch: boolean
  readonly showAtProfile: boolean
  /** Members including the owner. */
  readonly existNum: number
  readonly maxNum: number
  readonly createdAt: number
}

export interface Message {
  readonly seq: number
  readonly msgId: string
  readonly groupId: string
  readonly senderOpenId: string
  /** The wire `content` object as sent. */
  readonly content: unknown
  readonly sentAt: number
  readonly recalled: boolean
}

/** 1 pending, 2 approved, 3 rejected (docs/wire.md#the-nine-endpoints). */
export type ApplyStatus = 1 | 2 | 3

export interface Application {
  readonly seq: number
  readonly applyId: string
  readonly groupId: string
  readonly userId: string
  readonly status: ApplyStatus
  /** Epoch milliseconds. */
  readonly createTime: number
}

export interface Setting {
  /** `group_id`, or `*` when the set request named no group (owner-wide). */
  readonly groupId: string
  readonly ownerOpenId: string
  /** 1 welcome message, 2 group notice. */
  readonly settingType: number
  /** The wire `msg_list` as sent. */
  readonly msgList: ReadonlyArray<unknown>
  readonly enabled: boolean
}

export interface TokenEntry {
  readonly token: string
  readonly openId: string
  /** Epoch ms; `undefined` never expires. */
  readonly expiresAt: number | undefined
  /** The creator withdrew the authorization: the token is no longer valid (2190002). */
  readonly revoked: boolean
}

export interface RefreshEntry {
  readonly refreshToken: string
  readonly openId: string
  readonly accessToken: string
  readonly expiresAt: number
  readonly scope: string
  /** How many times it was renewed (`/oauth/renew_refresh_token/`). */
  readonly renewals: number
  /** The creator withdrew the authorization: refused like an expired one (10010). */
  readonly revoked: boolean
}

export interface AuthCode {
  readonly code: string
  readonly openId: string
  readonly scope: string
  readonly expiresAt: number
  readonly used: boolean
}

export type FaultKind = "Busy" | "TokenExpired" | "Drop" | "HttpStatus" | "Latency"

export interface Fault {
  readonly kind: FaultKind
  /** Remaining uses; `Infinity` for a standing fault. */
  readonly times: number
  /** `"METHOD /path/"` or `"/path/"`; `undefined` matches every route. */
  readonly route: string | undefined
  /** Drop: whether the request takes effect before the connection is dropped. */
  readonly executed: boolean
  /** HttpStatus: status and body. */
  readonly status: number
  readonly body: string
  /** Latency in ms; for HttpStatus the `Retry-After` header in ms (0: none). */
  readonly millis: number
}

export interface Recorded {
  readonly method: string
  readonly path: string
  readonly query: Readonly<Record<string, string>>
  readonly body: unknown
  /** Epoch ms (sandbox clock). */
  readonly at: number
}

export interface Config {
  readonly initialQuota: number
  readonly maxMembers: number
  /** Accept any non-empty token for an open_id with none registered, and unknown body fields. */
  readonly lenient: boolean
  readonly accessTokenLifetimeMillis: number
  readonly refreshTokenLifetimeMillis: number
  readonly clientKey: string
  readonly clientSecret: string
  readonly requestLogLimit: number
  /** The creators the consent page offers. */
  readonly demoCreators: ReadonlyArray<{ readonly openId: string; readonly nickname: string }>
  /** How long a code issued by the consent page works. */
  readonly authorizationCodeLifetimeMillis: number
  /** Larger request bodies are refused with HTTP 413 before they are parsed. */
  readonly maxBodyBytes: number
  /** Lifetime of issued client tokens (Douyin: 2 hours). */
  readonly clientTokenLifetimeMillis: number
}

export interface State {
  readonly config: Config
  readonly seq: number
  /** Remaining quota per owner; owners not present have `config.initialQuota`. */
  readonly quota: HashMap.HashMap<string, number>
  readonly groups: HashMap.HashMap<string, Group>
  readonly messages: HashMap.HashMap<string, Message>
  readonly applications: HashMap.HashMap<string, Application>
  /** Keyed by `${groupId}|${settingType}`. */
  readonly settings: HashMap.HashMap<string, Setting>
  readonly tokens: HashMap.HashMap<string, TokenEntry>
  readonly refreshTokens: HashMap.HashMap<string, RefreshEntry>
  readonly authCodes: HashMap.HashMap<string, AuthCode>
  readonly faults: ReadonlyArray<Fault>
  readonly log: ReadonlyArray<Recorded>
  /** Webhook events the last steps produced, taken by the delivery loop. */
  readonly outbox: ReadonlyArray<Payload>
  /** Images, lead cards, templates, client tokens (`mediaModel.ts`). */
  readonly media: MediaState
}

export const initial = (config: Config): State => ({
  config,
  seq: 0,
  quota: HashMap.empty(),
  groups: HashMap.empty(),
  messages: HashMap.empty(),
  applications: HashMap.empty(),
  settings: HashMap.empty(),
  tokens: HashMap.empty(),
  refreshTokens: HashMap.empty(),
  authCodes: HashMap.empty(),
  faults: [],
  log: [],
  outbox: [],
  media: emptyMedia
})

/** Queues webhook events (delivered only when a webhook URL is configured). */
export const emit = (state: State, ...payloads: ReadonlyArray<Payload>): State => ({
  ...state,
  outbox: [...state.outbox, ...payloads]
})

export const quotaOf = (state: State, openId: string): number =>
  HashMap.get(state.quota, openId).pipe((o) => (o._tag === "Some" ? o.value : state.config.initialQuota))

/** Values of a map in creation order. */
export const ordered = <A extends { readonly seq: number }>(map: HashMap.HashMap<string, A>): ReadonlyArray<A> =>
  Array.from(HashMap.values(map)).sort((a, b) => a.seq - b.seq)

export const settingKey = (groupId: string, settingType: number) => `${groupId}|${settingType}`
