/**
 * A node:http server on 127.0.0.1 (port 0) that counts what happens to its sockets, for tests
 * that check a request was aborted (its socket closed) or kept alive. Each request is recorded
 * once its body has arrived, then handed to the test's handler. The server and its
 * connections close with the scope; every wait on it is bounded (5 s, then a defect).
 */
import { Deferred, Effect, Exit, type Scope } from "effect"
import * as Http from "node:http"
import type { AddressInfo } from "node:net"

export interface Seen {
  readonly method: string
  readonly url: string
  readonly headers: Http.IncomingHttpHeaders
  readonly body: string
}

export interface SocketServer {
  readonly url: string
  readonly seen: Array<Seen>
  /** Sockets accepted so far. */
  readonly connections: () => number
  /** Sockets closed so far. */
  readonly closed: () => number
  /** Resolves when the `n`-th request (0-based) has arrived, body included. */
  readonly arrived: (n: number) => Effect.Effect<void>
  /** Resolves when the socket of the `n`-th request has closed. */
  readonly socketClosed: (n: number) => Effect.Effect<void>
}

/** Answers (or holds, or half-answers) one request whose body has arrived. */
export type Handler = (req: Http.IncomingMessage, res: Http.ServerResponse, seen: Seen) => void

const within5s = (deferred: Deferred.Deferred<void>) => Deferred.await(deferred).pipe(Effect.timeout("5 seconds"), Effect.orDie)

export const serve = (handler: Handler): Effect.Effect<SocketServer, never, Scope.Scope> =>
  Effect.gen(function*() {
    const seen: Array<Seen> = []
    // One per request index, made by whichever comes first: the event, or a test waiting for it.
    const arrivals: Array<Deferred.Deferred<void>> = []
    const closes: Array<Deferred.Deferred<void>> = []
    const at = (list: Array<Deferred.Deferred<void>>, n: number) => (list[n] ??= Deferred.unsafeMake<void>(undefined as never))
    let connections = 0
    let closed = 0
    let requests = 0
    const server = Http.createServer((req, res) => {
      const n = requests++
      req.socket.once("close", () => Deferred.unsafeDone(at(closes, n), Exit.void))
      const chunks: Array<Buffer> = []
      req.on("data", (c: Buffer) => chunks.push(c))
      req.on("end", () => {
        const request = { method: req.method ?? "", url: req.url ?? "", headers: req.headers, body: Buffer.concat(chunks).toString() }
        seen.push(request)
        Deferred.unsafeDone(at(arrivals, n), Exit.void)
        handler(req, res, request)
      })
    })
    server.on("connection", (socket) => {
      connections++
      socket.once("close", () => closed++)
    })
    const port = yield* Effect.acquireRelease(
      Effect.async<number>((resume) => {
        server.listen(0, "127.0.0.1", () => resume(Effect.succeed((server.address() as AddressInfo).port)))
      }),
      () =>
        Effect.async<void>((resume) => {
          server.closeAllConnections()
          server.close(() => resume(Effect.void))
        })
    )
    return {
      url: `http://127.0.0.1:${port}`,
      seen,
      connections: () => connections,
      closed: () => closed,
      arrived: (n) => Effect.suspend(() => within5s(at(arrivals, n))),
      socketClosed: (n) => Effect.suspend(() => within5s(at(closes, n)))
    }
  })
