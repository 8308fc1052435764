/**
 * The sandbox's second face: `FanGroupSandbox.httpApp` served by Node on a real loopback
 * socket. Used by `pnpm sandbox`, the examples' e2e test and the fault tests.
 */
import { createServer } from "node:http"
import { HttpServer, type HttpServerError } from "@effect/platform"
import * as NodeHttpServer from "@effect/platform-node/NodeHttpServer"
import { FanGroupSandbox } from "@effect-douyin/group"
import { Effect, Layer } from "effect"

export interface Options extends FanGroupSandbox.Options {
  /** Default 0: any free port. */
  readonly port?: number | undefined
  /** Default 127.0.0.1. */
  readonly host?: string | undefined
}

/** A sandbox served over HTTP, plus the sandbox itself and the server (for its address). */
export const layer = (
  options: Options = {}
): Layer.Layer<FanGroupSandbox.FanGroupSandbox | HttpServer.HttpServer, HttpServerError.ServeError> =>
  HttpServer.serve(FanGroupSandbox.httpApp).pipe(
    Layer.provideMerge(FanGroupSandbox.layer(options)),
    Layer.provideMerge(
      Layer.project(
        NodeHttpServer.layer(createServer, { port: options.port ?? 0, host: options.host ?? "127.0.0.1" }),
        HttpServer.HttpServer,
        HttpServer.HttpServer,
        (server) => server
      )
    )
  )

/** The base URL of the running server, e.g. `http://127.0.0.1:8787`. */
export const url: Effect.Effect<string, never, HttpServer.HttpServer> = HttpServer.addressWith((address) =>
  Effect.succeed(
    address._tag === "TcpAddress" ? `http://${address.hostname}:${address.port}` : `http+unix://${address.path}`
  )
)
