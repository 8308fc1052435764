/**
 * The host every request of a client goes to, as OpenTelemetry's `server.address` /
 * `server.port` (the port as the URL implies it when it names none).
 */
import type * as Tracer from "effect/Tracer"

export interface Server {
  readonly address: string
  readonly port: number
}

export const of = (baseUrl: string): Server => {
  const url = new URL(baseUrl)
  const port = url.port === "" ? (url.protocol === "http:" ? 80 : 443) : Number(url.port)
  return { address: url.hostname, port }
}

/** Sets `server.address` and `server.port` on `span`. */
export const annotate = (span: Tracer.Span, server: Server): void => {
  span.attribute("server.address", server.address)
  span.attribute("server.port", server.port)
}
