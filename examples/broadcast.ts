/**
 * `tsx examples/broadcast.ts`: announce to 20 fan groups, crash part way, resume.
 *
 * 1. Creates 20 groups on a sandbox server (`DOUYIN_BASE_URL`, e.g. from `pnpm sandbox`; or an
 *    embedded loopback one when unset).
 * 2. Runs the broadcast in a child process with a file journal; the child SIGKILLs itself
 *    after 8 outcomes (the `BROADCAST_CRASH_AFTER` knob), with sends still in flight.
 * 3. Resumes the broadcast by id here: only pending targets are sent; what the dead process had
 *    in flight is listed `Unknown` and not re-sent. Prints the summary and the sandbox's count
 *    of messages per group (none twice).
 */
import { spawn } from "node:child_process"
import { mkdtempSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { NodeFileSystem, NodeHttpClient, NodePath } from "@effect/platform-node"
import { AccessToken, DouyinClient, DouyinConfig, RateLimit, Retry } from "@effect-douyin/core"
import { Broadcast, BroadcastJournal, CreateFanGroup, MessageContent, SendGroupMessage } from "@effect-douyin/group"
import { FanGroupSandbox } from "@effect-douyin/sandbox"
import { Console, Effect, Layer, Redacted, Stream } from "effect"
import * as SandboxServer from "@effect-douyin/sandbox/SandboxServer"
import { isMain } from "./support/Target.js"

const id = "live-announcement"
const openId = "creator-demo"
const content = MessageContent.text("We are live in 10 minutes!")

const api = (baseUrl: string) =>
  Layer.mergeAll(SendGroupMessage.layer, CreateFanGroup.layer).pipe(
    Layer.provide(DouyinClient.layer),
    Layer.provide(Retry.layerDisabled),
    Layer.provide(RateLimit.layer({ global: { limit: 50, interval: "1 second" } })),
    Layer.provide(NodeHttpClient.layerUndici),
    Layer.provide(DouyinConfig.layer({ baseUrl })),
    Layer.provide(AccessToken.layerStatic(Redacted.make(FanGroupSandbox.defaultToken)))
  )

const journal = (directory: string) =>
  BroadcastJournal.layerFileSystem(directory).pipe(Layer.provide(Layer.merge(NodeFileSystem.layer, NodePath.layer)))

/** The child: broadcast, and die hard after `crashAfter` outcomes. */
const child = (baseUrl: string, directory: string, targets: ReadonlyArray<Broadcast.Target>, crashAfter: number) =>
  Broadcast.run({ id, targets, content, concurrency: 4 }).pipe(
    Stream.zipWithIndex,
    Stream.runForEach(([o, n]) =>
      Effect.sync(() => {
        process.stdout.write(`  [child] ${o._tag} target ${o.index}\n`)
        // Die a moment later, while the next sends are on the wire.
        if (n + 1 === crashAfter) setTimeout(() => process.kill(process.pid, "SIGKILL"), 30)
      })
    ),
    Effect.provide(Layer.merge(api(baseUrl), journal(directory)))
  )

const runChild = (baseUrl: string, directory: string, targets: ReadonlyArray<Broadcast.Target>) =>
  Effect.async<string>((resume) => {
    const proc = spawn(process.execPath, ["--import", "tsx", new URL(import.meta.url).pathname], {
      env: {
        ...process.env,
        BROADCAST_CHILD: JSON.stringify({ baseUrl, directory, targets }),
        BROADCAST_CRASH_AFTER: "8"
      },
      stdio: ["ignore", "inherit", "inherit"],
      timeout: 120_000
    })
    proc.once("exit", (code, signal) => resume(Effect.succeed(signal ?? `exit ${code}`)))
  })

export const main = (baseUrl: string, admin: FanGroupSandbox.Admin) =>
  Effect.gen(function*() {
    yield* admin.setQuota(openId, 20)
    // The creator has authorized the app: the sandbox, like Douyin, accepts only its token.
    yield* admin.registerToken({ openId, token: Redacted.make(FanGroupSandbox.defaultToken) })
    const targets = yield* Effect.forEach(Array.from({ length: 20 }, (_, i) => i), (i) =>
      Effect.map(
        CreateFanGroup.create({ openId, groupName: `fans ${i + 1}`, description: "announcements", avatarUri: "https://a/b.png" }),
        ({ groupId }): Broadcast.Target => ({ openId, groupId })
      )).pipe(Effect.provide(api(baseUrl)))
    yield* Console.log(`created ${targets.length} groups; broadcasting "${id}" in a child process…`)
    // Sends take 50 ms at the server, so some are in flight when the child dies.
    yield* admin.inject(FanGroupSandbox.latency("50 millis", { route: "POST /im/send/msg/group/" }))
    const directory = mkdtempSync(join(tmpdir(), "broadcast-example-"))
    const how = yield* runChild(baseUrl, directory, targets)
    yield* Console.log(`child stopped: ${how}; resuming "${id}" here…`)
    const summary = yield* Broadcast.resume(id).pipe(
      Stream.runForEach((o) => Console.log(`  [resume] ${o._tag} target ${o.index}${o._tag === "Unknown" ? ` — ${o.description}` : ""}`)),
      Effect.zipRight(Broadcast.summary(id)),
      Effect.provide(Layer.merge(api(baseUrl), journal(directory)))
    )
    yield* Console.log(
      `summary: ${summary.sent} sent, ${summary.failed} failed, ${summary.unknown} unknown ` +
        `(targets ${summary.unknownTargets.map((u) => u.index).join(", ") || "none"}), ${summary.pending} pending`
    )
    const messages = (yield* admin.snapshot).messages
    const perGroup = targets.map((t) => messages.filter((m) => m.groupId === t.groupId).length)
    yield* Console.log(`messages per group at the sandbox: ${perGroup.join(" ")} (max ${Math.max(...perGroup)})`)
    return summary
  })

if (isMain(import.meta.url)) {
  const spec = process.env["BROADCAST_CHILD"]
  const program = spec !== undefined
    ? Effect.suspend(() => {
      const { baseUrl, directory, targets } = JSON.parse(spec)
      return child(baseUrl, directory, targets, Number(process.env["BROADCAST_CRASH_AFTER"] ?? "8"))
    })
    : process.env["DOUYIN_BASE_URL"] !== undefined
    ? Effect.flatMap(FanGroupSandbox.makeRemote(process.env["DOUYIN_BASE_URL"]), (admin) => main(process.env["DOUYIN_BASE_URL"]!, admin))
      .pipe(Effect.provide(NodeHttpClient.layerUndici))
    : Effect.gen(function*() {
      const url = yield* SandboxServer.url
      return yield* main(url, yield* FanGroupSandbox.FanGroupSandbox)
    }).pipe(Effect.provide(SandboxServer.layer()))
  Effect.runPromise(program as Effect.Effect<unknown, unknown>).then(() => process.exit(0), (e) => {
    console.error(String(e))
    process.exit(1)
  })
}
