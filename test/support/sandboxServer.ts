/**
 * The sandbox server on a loopback socket (127.0.0.1, a free port) for the life of the scope:
 * its base URL, and its admin (state, request log, faults) in the test's own process.
 */
import { FanGroupSandbox } from "@effect-douyin/sandbox"
import * as SandboxServer from "@effect-douyin/sandbox/SandboxServer"
import { Context, Effect, Layer } from "effect"

/** Serves the sandbox with `options` until the scope closes. */
export const scoped = (options: SandboxServer.Options = {}) =>
  Effect.gen(function*() {
    const context = yield* Layer.build(SandboxServer.layer(options))
    const url = yield* Effect.provide(SandboxServer.url, context)
    return { url, admin: Context.get(context, FanGroupSandbox.FanGroupSandbox) }
  })
