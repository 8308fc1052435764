/**
 * The sandbox's second face: one HTTP request served (Douyin paths as the real API, the
 * inspector page, `POST /sandbox/admin`), for `HttpServer.serve`.
 */
import type * as HttpServerRequest from "@effect/platform/HttpServerRequest"
import * as HttpServerResponse from "@effect/platform/HttpServerResponse"
import { describeParseError } from "@effect-douyin/core/DouyinError"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import { adminPrefix, decodeAdmin, runAdmin } from "./adminRequest.js"
import type { Service } from "./api.js"
import * as inspector from "./inspector.js"

const decoder = new TextDecoder()

const jsonResponse = (body: unknown, status = 200) =>
  HttpServerResponse.text(JSON.stringify(body ?? null), { status, contentType: "application/json" })

interface DestroyableSource {
  readonly socket?: { readonly destroy?: () => void } | undefined
}

/** Answers `request` from `sandbox`; a dropped connection destroys a Node socket (else 502). */
export const serve = (
  sandbox: Service,
  request: HttpServerRequest.HttpServerRequest
): Effect.Effect<HttpServerResponse.HttpServerResponse> =>
  Effect.gen(function*() {
    const declared = Number(request.headers["content-length"] ?? "0")
    if (declared > sandbox.maxBodyBytes) {
      return HttpServerResponse.text("<html><body>413 Request Entity Too Large</body></html>", {
        status: 413,
        contentType: "text/html",
        headers: { connection: "close" }
      })
    }
    const bodyBytes = new Uint8Array(yield* Effect.orElseSucceed(request.arrayBuffer, () => new ArrayBuffer(0)))
    const bodyText = decoder.decode(bodyBytes)
    const url = new URL(request.url, "http://sandbox.invalid")
    if (url.pathname === adminPrefix && request.method === "GET") {
      return HttpServerResponse.text(inspector.page, { contentType: "text/html; charset=utf-8" })
    }
    if (url.pathname.startsWith(adminPrefix)) {
      if (url.pathname !== `${adminPrefix}admin` || request.method !== "POST") {
        return jsonResponse({ error: "use POST /sandbox/admin" }, 404)
      }
      return yield* Either.match(decodeAdmin(bodyText), {
        onLeft: (e) => Effect.succeed(jsonResponse({ error: describeParseError(e) }, 400)),
        onRight: (admin) =>
          runAdmin(sandbox, admin).pipe(
            Effect.map((result) => jsonResponse({ result })),
            Effect.catchAll((e) => Effect.succeed(jsonResponse({ error: e.description }, 409)))
          )
      })
    }
    const outcome = yield* sandbox.handle({
      method: request.method,
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers: { ...request.headers },
      bodyText,
      bodyBytes
    })
    if (outcome._tag === "Drop") {
      const socket = (request.source as DestroyableSource).socket
      if (socket?.destroy !== undefined) {
        socket.destroy()
        return yield* Effect.interrupt
      }
      return HttpServerResponse.text("connection dropped by the sandbox", { status: 502 })
    }
    return HttpServerResponse.text(outcome.body, {
      status: outcome.status,
      headers: outcome.headers,
      contentType: outcome.headers["content-type"] ?? "application/json"
    })
  })
