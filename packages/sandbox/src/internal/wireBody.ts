/**
 * Reading a wire request's body: as the routes need it (a JSON object or a form), and as the
 * request log records it.
 */
import type { WireRequest } from "./model.js"
import type { Body } from "./request.js"

/** The body as a JSON object (`{}` when empty), or `undefined` when it is not one. */
export const parseJsonObject = (text: string): Body | undefined => {
  if (text.trim() === "") return {}
  try {
    const v: unknown = JSON.parse(text)
    return typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Body) : undefined
  } catch {
    return undefined
  }
}

export const parseForm = (text: string): Body => Object.fromEntries(new URLSearchParams(text))

/** The body as the request log records it: a form, JSON, or the text itself. */
export const parsedBody = (request: WireRequest): unknown => {
  if (request.bodyText === "") return undefined
  const type = request.headers["content-type"] ?? ""
  if (type.includes("application/x-www-form-urlencoded")) return parseForm(request.bodyText)
  try {
    return JSON.parse(request.bodyText)
  } catch {
    return request.bodyText
  }
}

/** The media type without parameters, lower case. */
export const bareContentType = (headers: Readonly<Record<string, string>>) =>
  (headers["content-type"] ?? "").split(";")[0]!.trim().toLowerCase()
