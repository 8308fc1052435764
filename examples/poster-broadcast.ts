/**
 * The recipe "upload this poster, then send it to these groups" (see docs/media.md): two
 * explicit steps, each with its own guarantees, not one hidden call.
 *
 * 1. `UploadImage.uploadFile` reads the poster (refused unsent if empty, over 10 MB, or not
 *    jpeg/png/bmp/webp by its content) and uploads it with the app's client token. The upload is
 *    convergent: a lost answer is retried, at worst leaving an unused copy on Douyin's side.
 * 2. `Broadcast.run` sends the image message to every target, journaled: resumable after a
 *    crash, never re-sent to a group without saying so.
 *
 * To resume after a crash, call `Broadcast.resume(id)` — do not run the recipe again: a second
 * upload returns a new image id, the broadcast's content would differ, and `Broadcast.run`
 * refuses it (`BroadcastConflict`). Keep the image id if you need it later.
 *
 * `tsx examples/poster-broadcast.ts` runs it against an embedded loopback sandbox server.
 */
import { NodeContext, NodeHttpClient } from "@effect/platform-node"
import { AccessToken, ClientToken, DouyinClient, DouyinConfig, OAuth, RateLimit, Retry, TokenStore } from "@effect-douyin/core"
import { Broadcast, BroadcastJournal, CreateFanGroup, MessageContent, SendGroupMessage, UploadImage } from "@effect-douyin/group"
import { FanGroupSandbox } from "@effect-douyin/sandbox"
import * as SandboxServer from "@effect-douyin/sandbox/SandboxServer"
import { Console, Effect, Layer, Redacted } from "effect"
import { mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { isMain } from "./support/Target.js"

/** The recipe itself: upload once, then broadcast the image message. */
export const posterBroadcast = (options: {
  readonly id: string
  readonly poster: string
  readonly targets: ReadonlyArray<Broadcast.Target>
}) =>
  Effect.gen(function*() {
    const { height, imageId, width } = yield* UploadImage.uploadFile(options.poster)
    yield* Console.log(`uploaded ${options.poster} (${width}×${height}) → image_id ${imageId}`)
    return yield* Broadcast.runToSummary({
      id: options.id,
      content: MessageContent.uploadedImage(imageId),
      targets: options.targets,
      concurrency: 4
    })
  })

/** The services the recipe needs, over a Douyin base URL (the real API or a sandbox). */
export const layer = (baseUrl: string, credentials: OAuth.Credentials, userToken: Redacted.Redacted<string>) =>
  Layer.mergeAll(UploadImage.layer, SendGroupMessage.layer, CreateFanGroup.layer).pipe(
    Layer.provide(DouyinClient.layer),
    Layer.provide(Retry.layerDefault),
    Layer.provide(RateLimit.layerDisabled),
    Layer.provide(AccessToken.layerStatic(userToken)),
    // The app's client token, kept in the same store as user tokens (a file store in production).
    Layer.provide(ClientToken.layerStore()),
    Layer.provide(TokenStore.layerMemory()),
    Layer.provide(OAuth.layer(credentials)),
    Layer.provideMerge(BroadcastJournal.layerMemory),
    Layer.provide(DouyinConfig.layer({ baseUrl })),
    Layer.provide(NodeHttpClient.layerUndici),
    Layer.provideMerge(NodeContext.layer)
  )

/** The demo: three groups on a loopback sandbox server, a poster file, the recipe. */
export const demo = Effect.scoped(Effect.gen(function*() {
  const credentials = { clientKey: "ck_poster_demo", clientSecret: Redacted.make("poster-demo-secret") }
  const server = yield* Layer.build(SandboxServer.layer({ ...credentials, lenient: true }))
  const url = yield* Effect.provide(SandboxServer.url, server)
  const openId = "creator-demo"
  const dir = yield* Effect.acquireRelease(
    Effect.sync(() => mkdtempSync(join(tmpdir(), "poster-"))),
    (d) => Effect.sync(() => rmSync(d, { recursive: true, force: true }))
  )
  const poster = join(dir, "poster.png")
  // A 1×1 PNG.
  writeFileSync(
    poster,
    Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==", "base64")
  )
  return yield* Effect.gen(function*() {
    const targets = yield* Effect.forEach([1, 2, 3], (i) =>
      Effect.map(
        CreateFanGroup.create({ openId, groupName: `posters ${i}`, description: "posters", avatarUri: "https://a/b.png" }),
        ({ groupId }): Broadcast.Target => ({ openId, groupId })
      ))
    const summary = yield* posterBroadcast({ id: "poster-2026-12", poster, targets })
    yield* Console.log(`broadcast poster-2026-12: ${summary.sent} sent, ${summary.failed} failed, ${summary.unknown} unknown`)
    return summary
  }).pipe(Effect.provide(layer(url, credentials, Redacted.make(FanGroupSandbox.defaultToken))))
}))

if (isMain(import.meta.url)) {
  Effect.runPromise(demo).catch((e) => {
    console.error(e)
    process.exitCode = 1
  })
}
