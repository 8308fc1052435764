/**
 * A real node:http server on 127.0.0.1 for fault tests. Each request is recorded (method, path,
 * query, headers, body) and answered by the test's handler, which may reply, hold the response,
 * or destroy the socket. The server and every open connection close with the scope.
 */
import * as Http from "node:http"
import type { AddressInfo } from "node:net"
import { Effect, type Scope } from "effect"

export interface Received {
  readonly method: string
  readonly path: string
  readonly query: Readonly<Record<string, string>>
  readonly headers: Readonly<Record<string, string | Array<string> | undefined>>
  readonly body: string
}

export interface Reply {
  readonly status: number
  readonly headers?: Readonly<Record<string, string>> | undefined
  readonly body: string
}

/** What the handler asks the server to do with one request. */
export type Action =
  | Reply
  | { readonly _tag: "destroy" } // read the whole request, then destroy the socket
  | { readonly _tag: "hold" } // read the request and never answer
  | { readonly _tag: "later"; readonly millis: number; readonly reply: Reply } // answer after a delay
  | { readonly _tag: "manual"; readonly respond: (answer: (reply: Reply) => void) => void } // the test answers when it decides

export const destroy: Action = { _tag: "destroy" }
export const hold: Action = { _tag: "hold" }
/** The test calls `answer` (now or later, e.g. once other requests have arrived). */
export const manual = (respond: (answer: (reply: Reply) => void) => void): Action => ({ _tag: "manual", respond })

/** A 200 (or `status`) JSON reply. */
export const json = (body: unknown, status = 200): Reply => ({
  status,
  headers: { "content-type": "application/json" },
  body: JSON.stringify(body)
})

/**
 * `n` is the 0-based index of the request among all requests the server saw, `nthOfMethod`
 * among those with the same method.
 */
export type Handler = (request: Received, n: number, nthOfMethod: number) => Action

export interface LoopbackServer {
  readonly port: number
  readonly url: string
  /** Every request received so far, oldest first. */
  readonly received: ReadonlyArray<Received>
  readonly count: (method?: string) => number
  /** Resolves once at least `n` requests have been received. */
  readonly awaitCount: (n: number) => Effect.Effect<void>
}

const listen = (server: Http.Server, port: number) =>
  Effect.async<number, Error>((resume) => {
    server.once("error", (e) => resume(Effect.fail(e)))
    server.listen(port, "127.0.0.1", () => resume(Effect.succeed((server.address() as AddressInfo).port)))
  })

/** Starts a server on `port` (0: any free port). */
export const make = (handler: Handler, port = 0): Effect.Effect<LoopbackServer, never, Scope.Scope> =>
  Effect.gen(function*() {
    const received: Array<Received> = []
    const waiters: Array<{ readonly n: number; readonly wake: () => void }> = []
    const server = Http.createServer((req, res) => {
      const chunks: Array<Buffer> = []
      req.on("data", (c: Buffer) => chunks.push(c))
      req.on("end", () => {
        const url = new URL(req.url ?? "/", "http://127.0.0.1")
        const request: Received = {
          method: req.method ?? "",
          path: url.pathname,
          query: Object.fromEntries(url.searchParams),
          headers: { ...req.headers },
          body: Buffer.concat(chunks).toString("utf8")
        }
        received.push(request)
        for (const w of waiters.filter((w) => received.length >= w.n)) {
          waiters.splice(waiters.indexOf(w), 1)
          w.wake()
        }
        const action = handler(request, received.length - 1, received.filter((r) => r.method === request.method).length - 1)
        const answer = (reply: Reply) => {
          res.writeHead(reply.status, { ...reply.headers })
          res.end(reply.body)
        }
        if (!("_tag" in action)) return answer(action)
        if (action._tag === "destroy") req.socket.destroy()
        if (action._tag === "later") setTimeout(() => answer(action.reply), action.millis)
        if (action._tag === "manual") action.respond(answer)
      })
    })
    const bound = yield* Effect.acquireRelease(Effect.orDie(listen(server, port)), () =>
      Effect.async<void>((resume) => {
        server.closeAllConnections()
        server.close(() => resume(Effect.void))
      }))
    return {
      port: bound,
      url: `http://127.0.0.1:${bound}`,
      received,
      count: (method?: string) => received.filter((r) => method === undefined || r.method === method).length,
      awaitCount: (n: number) =>
        Effect.async<void>((resume) => {
          if (received.length >= n) return resume(Effect.void)
          const waiter = { n, wake: () => resume(Effect.void) }
          waiters.push(waiter)
          return Effect.sync(() => {
            const i = waiters.indexOf(waiter)
            if (i >= 0) waiters.splice(i, 1)
          })
        })
    } satisfies LoopbackServer
  })

/** A port nothing listens on (bound, then released). */
export const freePort: Effect.Effect<number> = Effect.scoped(
  Effect.map(make(() => hold), (s) => s.port)
)
