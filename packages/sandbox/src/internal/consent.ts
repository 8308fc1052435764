/**
 * The consent page at `/platform/oauth/connect/`, as Douyin serves it to a creator: GET shows
 * the app's `client_key`, the scopes it asks for (required ones fixed, optional ones with
 * their default tick) and the demo creators to act as; the form posts back to the same path,
 * and "grant" redirects the browser (302) to `redirect_uri` with `code` and `state` appended
 * (the code lives 10 minutes by default and works once at `/oauth/access_token/`), "deny" to
 * `redirect_uri` with only `state`. Bad parameters get an error page, never a redirect.
 * A pure step of (state, request, now), like every route of the sandbox.
 */
import * as HashMap from "effect/HashMap"
import { raw } from "./envelope.js"
import { nextSeq, pad } from "./ids.js"
import type { Outcome, State, WireRequest } from "./model.js"
import { bareContentType } from "./wireBody.js"

export const path = "/platform/oauth/connect/"

/** A creator the page offers to act as. */
export interface DemoCreator {
  readonly openId: string
  readonly nickname: string
}

export const defaultCreators: ReadonlyArray<DemoCreator> = [
  { openId: "creator-ana", nickname: "Ana · 安娜的小店" },
  { openId: "creator-ben", nickname: "Ben · 本的厨房" },
  { openId: "creator-chen", nickname: "Chen · 陈老师讲数学" }
]

const escape = (s: string) => s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", "\"": "&quot;", "'": "&#39;" })[c]!)

const scopeName = /^[A-Za-z0-9_.]+$/

interface Request {
  readonly clientKey: string
  readonly redirectUri: URL
  readonly state: string | undefined
  readonly scopes: ReadonlyArray<string>
  readonly optional: ReadonlyArray<{ readonly scope: string; readonly checked: boolean }>
  readonly commentId: string | undefined
}

/** The consent parameters, checked as Douyin does; a description of the first problem otherwise. */
const parse = (state: State, p: Readonly<Record<string, string>>): Request | string => {
  const clientKey = p["client_key"] ?? ""
  if (clientKey === "") return "client_key is required"
  if (state.config.clientKey !== undefined && clientKey !== state.config.clientKey) return "client_key invalid (10003)"
  if (p["response_type"] !== "code") return "response_type must be code"
  const scopes = (p["scope"] ?? "").split(",").filter((s) => s !== "")
  if (scopes.length === 0) return "scope is required"
  if (!scopes.every((s) => scopeName.test(s))) return "scope is not a comma-separated list of scope names"
  const optionalParts = (p["optionalScope"] ?? "").split(",").filter((s) => s !== "")
  if (optionalParts.length % 2 !== 0) return "optionalScope must be pairs of scope,0|1"
  const optional: Array<{ scope: string; checked: boolean }> = []
  for (let i = 0; i < optionalParts.length; i += 2) {
    const [scope, flag] = [optionalParts[i]!, optionalParts[i + 1]!]
    if (!scopeName.test(scope) || (flag !== "0" && flag !== "1")) return "optionalScope must be pairs of scope,0|1"
    optional.push({ scope, checked: flag === "1" })
  }
  let redirectUri: URL
  try {
    redirectUri = new URL(p["redirect_uri"] ?? "")
  } catch {
    return "redirect_uri is not a URL (10006)"
  }
  if (redirectUri.protocol !== "http:" && redirectUri.protocol !== "https:") return "redirect_uri must be http(s) (10006)"
  return { clientKey, redirectUri, state: p["state"], scopes, optional, commentId: p["comment_id"] }
}

const page = (title: string, body: string, status = 200): Outcome =>
  raw(
    status,
    `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>${escape(title)}</title>` +
      `<style>body{font-family:sans-serif;max-width:32rem;margin:2rem auto}li{margin:.3rem 0}` +
      `.creator{display:block;padding:.4rem;border:1px solid #ccc;margin:.3rem 0;border-radius:4px}</style></head>` +
      `<body>${body}</body></html>`,
    "text/html; charset=utf-8",
    { "cache-control": "no-store" }
  )

const errorPage = (description: string) =>
  page("授权失败", `<h1>授权失败 · Authorization failed</h1><p id="error">${escape(description)}</p>`, 400)

const hidden = (params: Readonly<Record<string, string>>) =>
  Object.entries(params)
    .filter(([k]) => ["client_key", "response_type", "scope", "optionalScope", "redirect_uri", "state", "comment_id"].includes(k))
    .map(([k, v]) => `<input type="hidden" name="${escape(k)}" value="${escape(v)}">`)
    .join("")

const consentPage = (request: Request, params: Readonly<Record<string, string>>, creators: ReadonlyArray<DemoCreator>) =>
  page(
    "抖音授权 · Douyin authorization",
    `<h1>抖音授权 · Authorize <span id="client-key">${escape(request.clientKey)}</span></h1>` +
      `<p>The app asks for:</p><ul id="scopes">` +
      request.scopes.map((s) => `<li data-scope="${escape(s)}"><input type="checkbox" checked disabled> ${escape(s)}</li>`)
        .join("") +
      request.optional.map((o) =>
        `<li data-scope="${escape(o.scope)}" data-optional="true"><label><input type="checkbox" name="grant_optional" ` +
        `form="consent" value="${escape(o.scope)}"${o.checked ? " checked" : ""}> ${escape(o.scope)} (optional)</label></li>`
      ).join("") +
      `</ul>` +
      (request.commentId === undefined ? "" : `<p id="comment">note ${escape(request.commentId)}</p>`) +
      `<form id="consent" method="post" action="${path}">${hidden(params)}<fieldset id="creators"><legend>Log in as</legend>` +
      creators.map((c, i) =>
        `<label class="creator"><input type="radio" name="open_id" value="${escape(c.openId)}"${i === 0 ? " checked" : ""}> ` +
        `${escape(c.nickname)} <small>${escape(c.openId)}</small></label>`
      ).join("") +
      `</fieldset><button type="submit" name="decision" value="grant" id="grant">同意授权 · Grant</button> ` +
      `<button type="submit" name="decision" value="deny" id="deny">拒绝 · Deny</button></form>`
  )

/** `redirect_uri` with `fields` appended to its own query (its existing parameters kept). */
const redirectTo = (uri: URL, fields: ReadonlyArray<readonly [string, string | undefined]>): Outcome => {
  const target = new URL(uri.href)
  for (const [k, v] of fields) if (v !== undefined) target.searchParams.append(k, v)
  return { _tag: "Reply", status: 302, headers: { location: target.href, "cache-control": "no-store" }, body: "" }
}

/** GET shows the page; POST (the page's form) grants or denies. Anything else: 405. */
export const serve = (
  state0: State,
  request: WireRequest,
  now: number,
  creators: ReadonlyArray<DemoCreator>,
  codeLifetimeMillis: number
): readonly [Outcome, State] => {
  if (request.method === "GET") {
    const parsed = parse(state0, request.query)
    return [typeof parsed === "string" ? errorPage(parsed) : consentPage(parsed, request.query, creators), state0]
  }
  if (request.method !== "POST") return [raw(405, "<html><body>405 Method Not Allowed</body></html>"), state0]
  if (bareContentType(request.headers) !== "application/x-www-form-urlencoded") {
    return [errorPage("the consent form is posted as application/x-www-form-urlencoded"), state0]
  }
  const form = new URLSearchParams(request.bodyText)
  const params: Readonly<Record<string, string>> = Object.fromEntries(form)
  const parsed = parse(state0, params)
  if (typeof parsed === "string") return [errorPage(parsed), state0]
  const decision = form.get("decision")
  if (decision === "deny") return [redirectTo(parsed.redirectUri, [["state", parsed.state]]), state0]
  if (decision !== "grant") return [errorPage("choose grant or deny"), state0]
  const openId = form.get("open_id") ?? ""
  if (!creators.some((c) => c.openId === openId)) return [errorPage("choose one of the creators"), state0]
  const ticked = new Set(form.getAll("grant_optional"))
  const granted = [...parsed.scopes, ...parsed.optional.filter((o) => ticked.has(o.scope)).map((o) => o.scope)]
  const [seq, state] = nextSeq(state0)
  const code = `sandbox-code-${pad(seq, 8)}`
  return [
    redirectTo(parsed.redirectUri, [["code", code], ["state", parsed.state]]),
    {
      ...state,
      authCodes: HashMap.set(state.authCodes, code, {
        code,
        openId,
        scope: granted.join(","),
        used: false,
        expiresAt: now + codeLifetimeMillis
      })
    }
  ]
}
