/**
 * The benchmark's loopback server, run in its own process (`child_process.fork`) so that its
 * CPU cost does not land on the client being measured. It answers `GET /im/group/count/`
 * with the recorded count sample (docs/wire.md#recorded-samples, sample 1) from a pre-built buffer: the
 * server's cost per request is constant, whatever client drives it.
 *
 * IPC protocol (parent → child): `{ type: "log-start" }` starts recording arrival times,
 * `{ type: "log-stop" }` stops and answers `{ type: "log", arrivals: number[] }` (epoch ms,
 * sub-millisecond precision), `{ type: "stats" }` answers `{ type: "stats", requests }`.
 * On start the child sends `{ type: "ready", port }`.
 */
import * as Http from "node:http"
import { performance } from "node:perf_hooks"
import { countSample } from "./sample.js"

const body = Buffer.from(countSample)
const okHeaders = { "content-type": "application/json", "content-length": String(body.length) }
const notFound = Buffer.from("not found")

let logging = false
let arrivals: Array<number> = []
let requests = 0

const server = Http.createServer((req, res) => {
  requests++
  if (logging) arrivals.push(performance.timeOrigin + performance.now())
  // Drain any request body (the count endpoint has none) before answering.
  req.resume()
  if (req.method === "GET" && req.url !== undefined && req.url.startsWith("/im/group/count/?")) {
    res.writeHead(200, okHeaders)
    res.end(body)
  } else {
    res.writeHead(404, { "content-type": "text/plain", "content-length": String(notFound.length) })
    res.end(notFound)
  }
})
server.keepAliveTimeout = 120_000
server.headersTimeout = 121_000

process.on("message", (message: { readonly type: string }) => {
  switch (message.type) {
    case "log-start":
      arrivals = []
      logging = true
      break
    case "log-stop":
      logging = false
      process.send?.({ type: "log", arrivals })
      arrivals = []
      break
    case "stats":
      process.send?.({ type: "stats", requests })
      break
  }
})
process.on("disconnect", () => process.exit(0))

server.listen(0, "127.0.0.1", () => {
  const address = server.address()
  const port = typeof address === "object" && address !== null ? address.port : 0
  process.send?.({ type: "ready", port })
})
