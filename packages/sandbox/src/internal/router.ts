/**
 * One wire request as a pure step of (state, request, now): record it, meet the injected
 * faults, route it to an IM or OAuth route and wrap the answer in the route's envelope. No
 * Effect, no I/O: `FanGroupSandbox` runs it inside `Ref.modify` and applies the latency
 * afterwards.
 */
import * as Either from "effect/Either"
import * as envelope from "./envelope.js"
import * as consent from "./consent.js"
import { answerKinds, faultAnswer, takeFault } from "./faults.js"
import { makeLogId, nextSeq } from "./ids.js"
import type { ImRoute } from "./imRoute.js"
import { imRoutes } from "./imRoutes.js"
import { type AppRoute, appRoutes, serveApp } from "./media.js"
import { clientTokenRoutes } from "./clientTokens.js"
import type { Outcome, Recorded, State, WireRequest } from "./model.js"
import { type OAuthRoute, oauthRoutes } from "./oauthRoutes.js"
import type { Ctx } from "./request.js"
import { Codes as C } from "./codes.js"
import { checkToken } from "./tokens.js"
import { unknownFields } from "./request.js"
import { bareContentType, parsedBody, parseForm, parseJsonObject } from "./wireBody.js"

/** Every path the sandbox serves, as `"METHOD /path/"`. */
export const routes: ReadonlyArray<string> = [
  ...Object.entries(imRoutes).map(([path, r]) => `${r.method} ${path}`),
  ...Object.entries(appRoutes).map(([path, r]) => `${r.method} ${path}`),
  ...Object.keys(oauthRoutes).map((path) => `POST ${path}`),
  ...Object.keys(clientTokenRoutes).map((path) => `POST ${path}`),
  `GET ${consent.path}`,
  `POST ${consent.path}`
]

/** The result of one wire request: what to answer, after how long, and the next state. */
export interface Step {
  readonly outcome: Outcome
  readonly delayMillis: number
}

type Answered = readonly [Outcome, State]

type Reject = (code: number, description: string) => Outcome

const dropped: Outcome = { _tag: "Drop" }

/** A request past routing and faults: `drop` when an executed `Drop` fault drops its answer. */
interface Routed {
  readonly state: State
  readonly request: WireRequest
  readonly ctx: Ctx
  readonly reject: Reject
  readonly drop: boolean
}

/** Appends the request to the bounded request log and gives it its sequence number and log id. */
const receive = (state0: State, request: WireRequest, now: number): readonly [Ctx, State] => {
  const record: Recorded = { method: request.method, path: request.path, query: request.query, body: parsedBody(request), at: now }
  const limit = state0.config.requestLogLimit
  const log = limit <= 0 ? [] : [...(state0.log.length >= limit ? state0.log.slice(1 - limit) : state0.log), record]
  const [seq, state] = nextSeq({ ...state0, log })
  return [{ now, nowSeconds: Math.floor(now / 1000), logId: makeLogId(now, seq), lenient: state.config.lenient }, state]
}

/** A rejection in the route's envelope: shape A or B for IM routes, C for OAuth. */
const rejecter = (kind: "A" | "B" | "C", ctx: Ctx): Reject => (code, description) =>
  kind === "A"
    ? envelope.errorA(code, description, ctx.logId, ctx.nowSeconds)
    : kind === "B"
    ? envelope.replyB(code, description, ctx.logId)
    : envelope.errorC(code, description, ctx.logId, ctx.nowSeconds)

/** Parameters that are secrets or grants: they travel in the body, never in the URL. */
const bodyOnly = ["client_key", "client_secret", "code", "grant_type", "refresh_token"]

/** An OAuth route: its fields from the body in one of the route's encodings; none in the query. */
const serveOAuth = (route: OAuthRoute, { ctx, drop, reject, request, state }: Routed): Answered => {
  const inQuery = Object.keys(request.query).filter((k) => bodyOnly.includes(k))
  if (inQuery.length > 0) {
    return [reject(C.oauthParameterError, `${inQuery.join(", ")} must be sent in the body, not the query string`), state]
  }
  const type = bareContentType(request.headers)
  const encoding = type === "application/x-www-form-urlencoded" ? "form" : type === "application/json" ? "json" : undefined
  if (encoding === undefined || !route.encodings.includes(encoding)) {
    const wanted = route.encodings.map((e) => e === "form" ? "application/x-www-form-urlencoded" : "application/json")
    return [reject(C.oauthParameterError, `content-type must be ${wanted.join(" or ")}`), state]
  }
  const fields = encoding === "form" ? parseForm(request.bodyText) : parseJsonObject(request.bodyText)
  if (fields === undefined) return [reject(C.oauthParameterError, "body is not a JSON object"), state]
  const [outcome, next] = route.run(state, fields, ctx)
  return [drop ? dropped : outcome, next]
}

/**
 * An IM route: `open_id` and a valid `access-token` required; a POST carries a JSON object with
 * the route's fields only. A GET needs no `content-type` (curl, Go's and Java's default clients
 * send none on a read); one it carries must still be JSON.
 */
const serveIm = (route: ImRoute, { ctx, drop, reject, request, state }: Routed): Answered => {
  const type = bareContentType(request.headers)
  if (type !== "application/json" && (route.method === "POST" || type !== "")) {
    return [reject(C.invalidParameter, "content-type must be application/json"), state]
  }
  const openId = request.query["open_id"] ?? ""
  if (openId.trim() === "") return [reject(C.invalidParameter, "open_id is required"), state]
  const tokenProblem = checkToken(state, openId, request.headers["access-token"], ctx.now)
  if (tokenProblem) return [reject(tokenProblem.code, tokenProblem.description), state]
  const body = route.method === "POST" ? parseJsonObject(request.bodyText) : {}
  if (body === undefined) return [reject(C.invalidParameter, "body must be a JSON object"), state]
  const unknown = state.config.lenient ? [] : unknownFields(body, route.fields)
  if (unknown.length > 0) return [reject(C.invalidParameter, `unknown field(s): ${unknown.join(", ")}`), state]

  const [result, next] = route.run(state, { openId, query: request.query, body, ctx })
  const outcome: Outcome = Either.match(result, {
    onLeft: (r) => reject(r.code, r.description),
    onRight: (payload) =>
      route.envelope === "A"
        ? envelope.successA(payload, ctx.logId, ctx.nowSeconds)
        : envelope.replyB(0, "", ctx.logId)
  })
  return [drop ? dropped : outcome, next]
}

const encoder = new TextEncoder()

/** Whether the body is over the limit (the server face refuses larger ones before reading them). */
export const tooLarge = (request: WireRequest, maxBytes: number) =>
  request.bodyText.length > maxBytes || encoder.encode(request.bodyText).length > maxBytes

/** Routes the request: 404 and 405 first, then an answer-replacing fault, then the route. */
const answer = (state0: State, request: WireRequest, ctx: Ctx): Answered => {
  // The consent page is a page for a browser, not an API route: no envelope, no faults.
  if (request.path === consent.path) {
    const { authorizationCodeLifetimeMillis, demoCreators } = state0.config
    return consent.serve(state0, request, ctx.now, demoCreators, authorizationCodeLifetimeMillis)
  }
  const im: ImRoute | undefined = imRoutes[request.path]
  const app: AppRoute | undefined = appRoutes[request.path]
  const oauth: OAuthRoute | undefined = oauthRoutes[request.path] ?? clientTokenRoutes[request.path]
  if (im === undefined && oauth === undefined && app === undefined) {
    return [envelope.raw(404, `<html><body>404 Not Found: ${request.path}</body></html>`), state0]
  }
  if (
    (im !== undefined && request.method !== im.method) || (app !== undefined && request.method !== app.method) ||
    (oauth !== undefined && request.method !== "POST")
  ) {
    return [envelope.raw(405, `<html><body>405 Method Not Allowed</body></html>`), state0]
  }
  if (tooLarge(request, state0.config.maxBodyBytes)) {
    return [envelope.raw(413, `<html><body>413 Request Entity Too Large</body></html>`), state0]
  }

  const [fault, state] = takeFault(state0, request, answerKinds)
  const reject = rejecter(im !== undefined ? im.envelope : app !== undefined ? "A" : "C", ctx)
  const instead = fault === undefined ? undefined : faultAnswer(fault, reject, oauth !== undefined)
  if (instead !== undefined) return [instead, state]
  const routed: Routed = { state, request, ctx, reject, drop: fault?.kind === "Drop" }
  if (app !== undefined) {
    return serveApp(app, { ...routed, successA: (payload) => envelope.successA(payload, ctx.logId, ctx.nowSeconds) })
  }
  return oauth !== undefined ? serveOAuth(oauth, routed) : serveIm(im!, routed)
}

/**
 * One wire request. Pure: `now` is the sandbox clock.
 */
export const handle = (state0: State, request: WireRequest, now: number): readonly [Step, State] => {
  const [ctx, state1] = receive(state0, request, now)
  const [latency, state2] = takeFault(state1, request, ["Latency"])
  const [outcome, state] = answer(state2, request, ctx)
  return [{ outcome, delayMillis: latency?.millis ?? 0 }, state]
}
