/**
 * The sandbox's second face: {@link FanGroupSandbox.httpApp} served by Node on a real loopback
 * socket (127.0.0.1 by default). The `douyin-sandbox` command, the repository's examples and
 * its end-to-end tests start it through {@link layer}.
 *
 * @example
 * ```ts
 * import { SandboxServer } from "@effect-douyin/sandbox"
 * import { Console, Effect } from "effect"
 *
 * // Serve a sandbox on a free loopback port, print its base URL; the server stops with the program
 * // (to keep it serving, `Layer.launch(SandboxServer.layer())`).
 * const program = Effect.flatMap(SandboxServer.url, (url) => Console.log(`sandbox at ${url}`))
 * Effect.runPromise(Effect.provide(program, SandboxServer.layer()))
 * ```
 *
 * @since 0.1.0
 */
import { createServer } from "node:http"
import * as HttpServer from "@effect/platform/HttpServer"
import type * as HttpServerError from "@effect/platform/HttpServerError"
import * as NodeHttpServer from "@effect/platform-node/NodeHttpServer"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as FanGroupSandbox from "./FanGroupSandbox.js"

/**
 * The sandbox's options plus where to listen.
 *
 * @example
 * ```ts
 * import { SandboxServer } from "@effect-douyin/sandbox"
 *
 * const options: SandboxServer.Options = { port: 0, quota: 3, webhook: { url: "http://127.0.0.1:3000/webhooks/douyin" } }
 * const Server = SandboxServer.layer(options)
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export interface Options extends FanGroupSandbox.Options {
  /** Default 0: any free port. */
  readonly port?: number | undefined
  /** Default 127.0.0.1. */
  readonly host?: string | undefined
}

/**
 * A sandbox served over HTTP, plus the sandbox itself and the server (for its address).
 *
 * @example
 * ```ts
 * import { SandboxServer } from "@effect-douyin/sandbox"
 * import { Effect } from "effect"
 *
 * // serves until the program ends; prints its URL
 * const program = Effect.flatMap(SandboxServer.url, (url) => Effect.log(`sandbox at ${url}`)).pipe(
 *   Effect.provide(SandboxServer.layer({ port: 0 }))
 * )
 * ```
 *
 * @since 0.1.0
 * @category layers
 */
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

/**
 * The base URL of the running server, e.g. `http://127.0.0.1:8787`.
 *
 * @example
 * ```ts
 * import { FanGroupSandbox, SandboxServer } from "@effect-douyin/sandbox"
 * import { FetchHttpClient } from "@effect/platform"
 * import { Effect } from "effect"
 *
 * // the admin API of a server started in the same program
 * const snapshot = Effect.gen(function*() {
 *   const admin = yield* FanGroupSandbox.makeRemote(yield* SandboxServer.url)
 *   return yield* admin.snapshot
 * }).pipe(Effect.provide(SandboxServer.layer()), Effect.provide(FetchHttpClient.layer))
 * ```
 *
 * @since 0.1.0
 * @category accessors
 */
export const url: Effect.Effect<string, never, HttpServer.HttpServer> = HttpServer.addressWith((address) =>
  Effect.succeed(
    address._tag === "TcpAddress" ? `http://${address.hostname}:${address.port}` : `http+unix://${address.path}`
  )
)
