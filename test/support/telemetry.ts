/**
 * What the telemetry tests run: the production stack (`FanGroupLive.layer`: the fast undici
 * client, OAuth, the file token store, a global limit of 1 per second) against the sandbox on a
 * real loopback socket (127.0.0.1, port 0), and one scenario of calls.
 */
import { NodeContext } from "@effect/platform-node"
import * as NodeHttpServer from "@effect/platform-node/NodeHttpServer"
import { HttpServer } from "@effect/platform"
import { TokenStore } from "@effect-douyin/core"
import { CreateFanGroup, FanGroupQuota } from "@effect-douyin/group"
import { FanGroupSandbox } from "@effect-douyin/sandbox"
import * as FanGroupLive from "@effect-douyin/group/FanGroupLive"
import { Context, Effect, Layer, Redacted } from "effect"
import * as Fs from "node:fs"
import { createServer } from "node:http"
import * as Os from "node:os"
import * as Path from "node:path"

const clientKey = "ck_telemetry"
export const clientSecret = "cs_telemetry_secret"
const openId = "creator-telemetry"

/** The sandbox on 127.0.0.1 (port 0). */
export const sandboxServer = Effect.gen(function*() {
  const layer = HttpServer.serve(FanGroupSandbox.httpApp).pipe(
    Layer.provideMerge(FanGroupSandbox.layer({ clientKey, clientSecret: Redacted.make(clientSecret) })),
    Layer.provideMerge(NodeHttpServer.layer(createServer, { port: 0, host: "127.0.0.1" }))
  )
  const context = yield* Layer.build(layer)
  const address = Context.get(context, HttpServer.HttpServer).address
  if (address._tag !== "TcpAddress") return yield* Effect.die("the sandbox did not listen on TCP")
  return { url: `http://127.0.0.1:${address.port}`, port: address.port, sandbox: Context.get(context, FanGroupSandbox.FanGroupSandbox) }
})

export const tempDir = Effect.acquireRelease(
  Effect.sync(() => Fs.mkdtempSync(Path.join(Os.tmpdir(), "douyin-telemetry-"))),
  (dir) => Effect.sync(() => Fs.rmSync(dir, { recursive: true, force: true }))
)

export const live = (baseUrl: string, directory: string) =>
  FanGroupLive.layer({
    clientKey,
    clientSecret: Redacted.make(clientSecret),
    baseUrl,
    tokenStore: { directory },
    rateLimit: { global: { limit: 1, interval: "1 second" } }
  }).pipe(Layer.provide(NodeContext.layer))

/**
 * What every test runs: authorize (an OAuth call), a code that does not exist (a failing OAuth
 * call), two quota reads (the second waits for the 1/s limit), a create refused on the quota
 * (2190001), all under one span of the test's.
 */
export const scenario = (sandbox: FanGroupSandbox.Service) =>
  Effect.gen(function*() {
    const code = yield* sandbox.authorize({ openId })
    yield* TokenStore.authorize(code)
    const badCode = yield* Effect.flip(TokenStore.authorize("no-such-code"))
    yield* FanGroupQuota.remaining({ openId })
    yield* FanGroupQuota.remaining({ openId })
    yield* sandbox.setQuota(openId, 0)
    const refused = yield* Effect.flip(CreateFanGroup.create({
      openId,
      groupName: "Fans",
      description: "Telemetry test",
      avatarUri: "https://example.com/a.png",
      groupType: "streamer",
      openAuditSwitch: false
    }))
    return { badCode, refused }
  }).pipe(Effect.withSpan("telemetry-test"))

/** The labels a metric of the SDK may carry: bounded sets only (never an open_id, a group, a token). */
export const boundedLabels = new Set(["endpoint", "outcome", "reason", "trigger", "result", "event"])
