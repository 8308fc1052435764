/**
 * The sandbox's first face: an `HttpClient` answered in-process (no sockets), whatever the host
 * of the URL; a dropped connection is a connection-reset transport error.
 */
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientError from "@effect/platform/HttpClientError"
import type * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import * as Effect from "effect/Effect"
import type { Service } from "./api.js"

const decoder = new TextDecoder()

const bodyOf = (
  request: HttpClientRequest.HttpClientRequest
): { text: string; contentType: string | undefined; bytes?: Uint8Array | undefined } => {
  const body = request.body
  switch (body._tag) {
    case "Uint8Array":
      return { text: decoder.decode(body.body), contentType: body.contentType, bytes: body.body }
    case "Raw":
      return {
        text: typeof body.body === "string" ? body.body : body.body instanceof Uint8Array ? decoder.decode(body.body) : "",
        contentType: body.contentType
      }
    default:
      return { text: "", contentType: undefined }
  }
}

const connectionReset = () => Object.assign(new Error("socket hang up (sandbox dropped the connection)"), { code: "ECONNRESET" })

/** An `HttpClient` answered by `sandbox` in-process, whatever the host of the URL. */
export const makeClient = (sandbox: Service): HttpClient.HttpClient =>
  HttpClient.make((request, url) => {
    const { bytes, contentType, text } = bodyOf(request)
    const headers: Record<string, string> = { ...request.headers }
    if (headers["content-type"] === undefined && contentType !== undefined) headers["content-type"] = contentType
    return Effect.flatMap(
      sandbox.handle({
        method: request.method,
        path: url.pathname,
        query: Object.fromEntries(url.searchParams),
        headers,
        bodyText: text,
        bodyBytes: bytes
      }),
      (outcome) =>
        outcome._tag === "Drop"
          ? Effect.fail(new HttpClientError.RequestError({ request, reason: "Transport", cause: connectionReset() }))
          : Effect.succeed(
            HttpClientResponse.fromWeb(
              request,
              new Response(outcome.body, { status: outcome.status, headers: { ...outcome.headers } })
            )
          )
    )
  })
