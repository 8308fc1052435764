/**
 * The media and card routes (douyin-media-api in `docs/media.md`): the image upload and the
 * mini-program card templates take the app's client token (no `open_id`), the lead cards the
 * operator's token like the fan-group routes. Also the rule every group message meets here:
 * an image, lead card or template id the sandbox never issued is refused.
 *
 * Client tokens follow Douyin's rule: only the two newest are valid; an older one dies 5
 * minutes after a newer one is issued, and at once when a second newer one is.
 */
import { ErrorCode } from "@effect-douyin/core"
import * as Either from "effect/Either"
import * as HashMap from "effect/HashMap"
import * as Crypto from "node:crypto"
import { nextSeq, pad } from "./ids.js"
import { type Handled, type Input as ImInput, no, ok } from "./imRoute.js"
import * as imageInfo from "./imageInfo.js"
import { type AppletTemplate, clientTokenGraceMillis, type LeadCard, type MediaState } from "./mediaModel.js"
import type { Outcome, State, WireRequest } from "./model.js"
import * as multipart from "./multipart.js"
import { type Body, type Ctx, int, invalid, isRejection, optStr, Rejection, str } from "./request.js"
import { bareContentType, parseJsonObject } from "./wireBody.js"

const C = ErrorCode.Codes

/** 10 MB, the documented upload limit. */
const maxImageBytes = 10 * 1024 * 1024
const maxTemplateText = 30

const withMedia = (state: State, media: Partial<MediaState>): State => ({ ...state, media: { ...state.media, ...media } })

// ---------------------------------------------------------------------------------------------
// client tokens

/** Why `token` is refused as the app's client token, or `undefined`. */
export const checkClientToken = (state: State, token: string | undefined, now: number): Rejection | undefined => {
  if (token === undefined || token.trim() === "") return new Rejection(C.accessTokenInvalid, "access-token header is missing")
  const issued = state.media.clientTokens
  const index = issued.findIndex((t) => t.token === token)
  if (index < 0) return state.config.lenient ? undefined : new Rejection(C.accessTokenInvalid, "access_token invalid")
  const entry = issued[index]!
  const newer = issued.slice(index + 1)
  if (newer.length >= 2 || (newer.length === 1 && now >= newer[0]!.issuedAt + clientTokenGraceMillis)) {
    return new Rejection(C.accessTokenInvalid, "client_token invalid: only the two newest client tokens are valid")
  }
  return now >= entry.expiresAt ? new Rejection(C.accessTokenExpired, "client_token expired") : undefined
}

/** Issues a new client token (the caller checked the client's key and secret). */
export const issueClientToken = (state0: State, now: number): readonly [string, number, State] => {
  const [seq, state] = nextSeq(state0)
  const token = `clt.sandbox${pad(seq, 8)}`
  const lifetime = state.config.clientTokenLifetimeMillis
  // Only the newest few matter; the rest are dead for good.
  const kept = [...state.media.clientTokens.slice(-2), { token, issuedAt: now, expiresAt: now + lifetime }]
  return [token, Math.floor(lifetime / 1000), withMedia(state, { clientTokens: kept })]
}

// ---------------------------------------------------------------------------------------------
// app routes (client token)

/** A request to an app-level route once its client token has been checked. */
export interface AppInput {
  readonly request: WireRequest
  readonly ctx: Ctx
}

export interface AppRoute {
  readonly method: "POST"
  readonly envelope: "A" | "D"
  readonly run: (state: State, input: AppInput) => Handled
}

const jsonBody = (request: WireRequest): Body | Rejection => {
  if (bareContentType(request.headers) !== "application/json") return invalid("content-type must be application/json")
  return parseJsonObject(request.bodyText) ?? invalid("body must be a JSON object")
}

const upload = (state0: State, { request }: AppInput): Handled => {
  const boundary = multipart.boundaryOf(request.headers["content-type"])
  if (boundary === undefined) return no(invalid("content-type must be multipart/form-data with a boundary"), state0)
  const parts = multipart.parse(request.bodyBytes ?? new TextEncoder().encode(request.bodyText), boundary)
  if (typeof parts === "string") return no(invalid(`malformed multipart body: ${parts}`), state0)
  const image = parts.find((p) => p.name === "image")
  if (image === undefined) return no(invalid("image is required (a file part named image)"), state0)
  if (image.bytes.length === 0) return no(invalid("image is empty"), state0)
  if (image.bytes.length > maxImageBytes) return no(invalid("image exceeds 10 MB"), state0)
  const info = imageInfo.inspect(image.bytes)
  if (info === undefined) return no(invalid("image format not supported (jpeg, png, bmp, webp)"), state0)
  const [seq, state] = nextSeq(state0)
  const imageId = `@SBXi${pad(HashMap.size(state.media.images) + 1, 8)}==`
  const md5 = Crypto.createHash("md5").update(image.bytes).digest("hex")
  const stored = { seq, imageId, width: info.width, height: info.height, format: info.format, size: image.bytes.length, md5 }
  return ok(
    { image_id: imageId, width: info.width, height: info.height, md5 },
    withMedia(state, { images: HashMap.set(state.media.images, imageId, stored) })
  )
}

const issuedImage = (state: State, mediaId: string): Rejection | undefined =>
  HashMap.has(state.media.images, mediaId) ? undefined : invalid(`media_id ${mediaId} was not issued by the image upload`)

const shortText = (body: Body, key: string): string | Rejection => {
  const v = str(body, key)
  if (isRejection(v)) return v
  return [...v].length > maxTemplateText ? invalid(`${key} exceeds ${maxTemplateText} characters`) : v
}

const setTemplate = (state0: State, { ctx, request }: AppInput): Handled => {
  const body = jsonBody(request)
  if (isRejection(body)) return no(body, state0)
  const id = optStr(body, "card_template_id")
  if (isRejection(id)) return no(id, state0)
  const title = shortText(body, "title")
  if (isRejection(title)) return no(title, state0)
  const content = shortText(body, "content")
  if (isRejection(content)) return no(content, state0)
  const mediaId = str(body, "media_id")
  if (isRejection(mediaId)) return no(mediaId, state0)
  const unknownImage = issuedImage(state0, mediaId)
  if (unknownImage) return no(unknownImage, state0)
  const appId = optStr(body, "app_id")
  if (isRejection(appId)) return no(appId, state0)
  const templates = state0.media.templates
  if (id !== undefined && id !== "") {
    const existing = HashMap.get(templates, id)
    if (existing._tag === "None") return no(invalid(`card_template_id ${id} does not exist`), state0)
    if (body["card_type"] !== undefined && body["card_type"] !== existing.value.cardType) {
      return no(invalid("card_type cannot be changed"), state0)
    }
    const updated: AppletTemplate = { ...existing.value, title, content, mediaId, appId, status: 1, updateTime: ctx.nowSeconds }
    return ok({ card_template_id: id }, withMedia(state0, { templates: HashMap.set(templates, id, updated) }))
  }
  const cardType = int(body["card_type"], "card_type", [1])
  if (isRejection(cardType)) return no(cardType, state0)
  // Documented: the same content, media_id, title and app_id give the same template id.
  const same = Array.from(HashMap.values(templates)).find((t) =>
    t.title === title && t.content === content && t.mediaId === mediaId && t.appId === appId
  )
  if (same !== undefined) return ok({ card_template_id: same.cardTemplateId }, state0)
  const [seq, state] = nextSeq(state0)
  const cardTemplateId = `@SBXt${pad(seq, 8)}==`
  const template: AppletTemplate = {
    seq,
    cardTemplateId,
    cardType,
    title,
    content,
    mediaId,
    appId,
    status: 1,
    createTime: ctx.nowSeconds,
    updateTime: ctx.nowSeconds
  }
  return ok({ card_template_id: cardTemplateId }, withMedia(state, { templates: HashMap.set(templates, cardTemplateId, template) }))
}

const templateWire = (t: AppletTemplate) => ({
  card_template_id: t.cardTemplateId,
  card_type: t.cardType,
  title: t.title,
  content: t.content,
  media_id: t.mediaId,
  status: t.status,
  name: "sandbox mini-program",
  create_time: t.createTime,
  update_time: t.updateTime,
  ...(t.appId === undefined ? {} : { app_id: t.appId })
})

const getTemplates = (state: State, { request }: AppInput): Handled => {
  const body = jsonBody(request)
  if (isRejection(body)) return no(body, state)
  const id = optStr(body, "card_template_id")
  if (isRejection(id)) return no(id, state)
  const all = Array.from(HashMap.values(state.media.templates)).sort((a, b) => a.seq - b.seq)
  if (id !== undefined && id !== "") {
    const one = all.filter((t) => t.cardTemplateId === id)
    return ok({ cursor: 0, has_more: false, list: one.map(templateWire) }, state)
  }
  const count = int(body["count"], "count")
  if (isRejection(count)) return no(invalid("count is required unless card_template_id is given"), state)
  if (count < 1 || count > 50) return no(invalid("count must be 1..50"), state)
  const cursor = body["cursor"] === undefined ? 0 : int(body["cursor"], "cursor")
  if (isRejection(cursor) || cursor < 0) return no(invalid("cursor must be a non-negative integer"), state)
  const status = body["status"] === undefined ? undefined : int(body["status"], "status", [0, 1, 2])
  if (isRejection(status)) return no(status, state)
  const matching = all.filter((t) => status === undefined || t.status === status)
  const page = matching.slice(cursor, cursor + count)
  const next = cursor + page.length
  return ok({ cursor: next, has_more: next < matching.length, list: page.map(templateWire) }, state)
}

const delTemplate = (state: State, { request }: AppInput): Handled => {
  const id = request.query["card_template_id"] ?? ""
  if (id.trim() === "") return no(invalid("card_template_id is required (query)"), state)
  if (HashMap.has(state.media.deleted, id)) return ok({}, state)
  if (!HashMap.has(state.media.templates, id)) return no(invalid(`card_template_id ${id} does not exist`), state)
  return ok(
    {},
    withMedia(state, {
      templates: HashMap.remove(state.media.templates, id),
      deleted: HashMap.set(state.media.deleted, id, true as const)
    })
  )
}

export const appRoutes: Readonly<Record<string, AppRoute>> = {
  "/tool/imagex/client_upload/": { method: "POST", envelope: "A", run: upload },
  "/api/douyin/v1/im/set_applet_template/": { method: "POST", envelope: "D", run: setTemplate },
  "/api/douyin/v1/im/get_applet_template/": { method: "POST", envelope: "D", run: getTemplates },
  "/api/douyin/v1/im/del_applet_template/": { method: "POST", envelope: "D", run: delTemplate }
}

/** Envelope D success: the payload inside `data` beside its code. */
const successD = (payload: Record<string, unknown>, logId: string, nowSeconds: number): Outcome => ({
  _tag: "Reply",
  status: 200,
  headers: { "content-type": "application/json", "x-tt-logid": logId },
  body: JSON.stringify({
    extra: { error_code: 0, description: "", sub_error_code: 0, sub_description: "", now: nowSeconds, logid: logId },
    data: { error_code: 0, description: "", ...payload }
  })
})

/** An app-level route: the client token checked (no `open_id`), then the route. */
export const serveApp = (
  route: AppRoute,
  routed: {
    readonly state: State
    readonly request: WireRequest
    readonly ctx: Ctx
    readonly reject: (code: number, description: string) => Outcome
    readonly drop: boolean
    readonly successA: (payload: Record<string, unknown>) => Outcome
  }
): readonly [Outcome, State] => {
  const { ctx, reject, request, state } = routed
  const tokenProblem = checkClientToken(state, request.headers["access-token"], ctx.now)
  if (tokenProblem) return [reject(tokenProblem.code, tokenProblem.description), state]
  const [result, next] = route.run(state, { request, ctx })
  const outcome: Outcome = Either.match(result, {
    onLeft: (r) => reject(r.code, r.description),
    onRight: (payload) => route.envelope === "A" ? routed.successA(payload) : successD(payload, ctx.logId, ctx.nowSeconds)
  })
  return [routed.drop ? { _tag: "Drop" } : outcome, next]
}

// ---------------------------------------------------------------------------------------------
// lead cards (operator token, `open_id`)

const components = (value: unknown): ReadonlyArray<number> | Rejection => {
  if (!Array.isArray(value) || value.length === 0) return invalid("components must be a non-empty array")
  if (value.length > 3) return invalid("components: at most 3")
  for (const c of value) {
    if (typeof c !== "number" || ![1, 2, 3].includes(c)) return invalid("components must be 1, 2 or 3")
  }
  return new Set(value).size === value.length ? value as ReadonlyArray<number> : invalid("components must be distinct")
}

const saveCard = (state0: State, { body, openId }: ImInput): Handled => {
  const cardId = optStr(body, "card_id")
  if (isRejection(cardId)) return no(cardId, state0)
  const title = str(body, "title")
  if (isRejection(title)) return no(title, state0)
  const mediaId = str(body, "media_id")
  if (isRejection(mediaId)) return no(mediaId, state0)
  const unknownImage = issuedImage(state0, mediaId)
  if (unknownImage) return no(unknownImage, state0)
  const fields = components(body["components"])
  if (isRejection(fields)) return no(fields, state0)
  const cards = state0.media.leadCards
  if (cardId !== undefined && cardId !== "") {
    const existing = HashMap.get(cards, cardId)
    if (existing._tag === "None") return no(invalid(`card_id ${cardId} does not exist`), state0)
    if (existing.value.ownerOpenId !== openId) return no(new Rejection(C.noPermission, "open_id does not own the card"), state0)
    const updated: LeadCard = { ...existing.value, title, mediaId, components: fields }
    return ok({ card_id: cardId }, withMedia(state0, { leadCards: HashMap.set(cards, cardId, updated) }))
  }
  const [seq, state] = nextSeq(state0)
  const id = `@SBXc${pad(seq, 8)}==`
  const card: LeadCard = { seq, cardId: id, ownerOpenId: openId, title, mediaId, components: fields, status: 0 }
  return ok({ card_id: id }, withMedia(state, { leadCards: HashMap.set(cards, id, card) }))
}

const getCards = (state: State, { openId }: ImInput): Handled => {
  const cards = Array.from(HashMap.values(state.media.leadCards)).filter((c) => c.ownerOpenId === openId).sort((a, b) => a.seq - b.seq)
  return ok({
    cards: cards.map((c) => ({ card_id: c.cardId, title: c.title, media_id: c.mediaId, components: c.components, status: c.status }))
  }, state)
}

const delCard = (state: State, { openId, query }: ImInput): Handled => {
  const id = query["card_id"] ?? ""
  if (id.trim() === "") return no(invalid("card_id is required (query)"), state)
  if (HashMap.has(state.media.deleted, id)) return ok({}, state)
  const card = HashMap.get(state.media.leadCards, id)
  if (card._tag === "None") return no(invalid(`card_id ${id} does not exist`), state)
  if (card.value.ownerOpenId !== openId) return no(new Rejection(C.noPermission, "open_id does not own the card"), state)
  return ok(
    {},
    withMedia(state, {
      leadCards: HashMap.remove(state.media.leadCards, id),
      deleted: HashMap.set(state.media.deleted, id, true as const)
    })
  )
}

/** The lead-card routes, served like the fan-group routes (operator token, `open_id`). */
export const leadCardRoutes = {
  "/im/save/retain_consult_card/": {
    method: "POST",
    envelope: "A",
    fields: ["card_id", "title", "media_id", "components"],
    run: saveCard
  },
  "/im/get/retain_consult_card/": { method: "GET", envelope: "A", fields: [], run: getCards },
  "/im/del/retain_consult_card/": { method: "GET", envelope: "A", fields: [], run: delCard }
} as const

// ---------------------------------------------------------------------------------------------
// group messages

/**
 * A group message's image, lead card or template id that this sandbox never issued (Douyin
 * refuses ids it does not know); `undefined` when the content names none or only issued ones.
 */
export const unissued = (state: State, content: unknown): Rejection | undefined => {
  const o = content as Body
  const variant = (key: string) => (o[key] ?? {}) as Body
  switch (o["msg_type"]) {
    case 2: {
      const id = variant("image")["media_id"] as string
      return HashMap.has(state.media.images, id) ? undefined : invalid(`image.media_id ${id} was not issued by the image upload`)
    }
    case 8: {
      const id = variant("retain_consult_card")["card_id"] as string
      return HashMap.has(state.media.leadCards, id)
        ? undefined
        : invalid(`retain_consult_card.card_id ${id} was not issued by the lead-card endpoint`)
    }
    case 10: {
      const id = variant("applet_card")["card_template_id"] as string
      return HashMap.has(state.media.templates, id)
        ? undefined
        : invalid(`applet_card.card_template_id ${id} was not issued by the template endpoint`)
    }
    default:
      return undefined
  }
}
