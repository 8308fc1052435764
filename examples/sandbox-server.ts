/**
 * `pnpm sandbox`: the fan-group emulator on a real loopback socket.
 * Prints its URL and serves until Ctrl-C. Point the examples at it with
 * `DOUYIN_BASE_URL=<url> pnpm tour`.
 *
 * Env: SANDBOX_PORT (default 8787; 0 = any free port), SANDBOX_QUOTA (groups per owner, default 5).
 */
import * as NodeRuntime from "@effect/platform-node/NodeRuntime"
import { Console, Effect, Layer } from "effect"
import * as SandboxServer from "@effect-douyin/sandbox/SandboxServer"

const port = Number(process.env["SANDBOX_PORT"] ?? "8787")
const quota = process.env["SANDBOX_QUOTA"] === undefined ? undefined : Number(process.env["SANDBOX_QUOTA"])

const announce = Layer.effectDiscard(
  Effect.flatMap(SandboxServer.url, (url) =>
    Console.log(
      [
        `Douyin fan-group sandbox listening on ${url}`,
        `  try:  DOUYIN_BASE_URL=${url} pnpm tour`,
        `  admin: POST ${url}/sandbox/admin  {"op":"snapshot"}`,
        "Ctrl-C to stop."
      ].join("\n")
    ))
)

Layer.launch(announce.pipe(Layer.provideMerge(SandboxServer.layer({ port, quota })))).pipe(NodeRuntime.runMain)
