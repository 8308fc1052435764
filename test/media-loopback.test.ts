// The media endpoints over a real loopback socket: the SDK uploads an image file to the
// sandbox server (multipart through the Node HTTP client, the app's client token fetched from
// the sandbox's /oauth/client_token/ and kept in the token store), sends it to a fan group,
// and reads the message back from the server.
import { NodeContext, NodeHttpClient } from "@effect/platform-node"
import { AccessToken, ClientToken, DouyinClient, DouyinConfig, OAuth, RateLimit, Retry, TokenStore } from "@effect-douyin/core"
import { FanGroupSandbox } from "@effect-douyin/sandbox"
import { CreateFanGroup, MessageContent, SaveLeadCard, SendGroupMessage, SetAppletTemplate, UploadImage } from "@effect-douyin/group"
import { describe, expect, it } from "@effect/vitest"
import { Effect, Layer, Redacted } from "effect"
import * as Fs from "node:fs"
import * as Os from "node:os"
import * as Path from "node:path"
import * as PosterBroadcast from "../examples/poster-broadcast.js"
import { png } from "../packages/group/test/fixtures/mediaSamples.js"
import * as SandboxLoopback from "./support/sandboxServer.js"

const credentials = { clientKey: "ck_media_loopback", clientSecret: Redacted.make("media-secret") }
const openId = "creator-media"

describe("media over loopback (sandbox server, real sockets)", () => {
  it.live(
    "upload an image file, send it to a group, read the message back; the upload went as multipart with the client token and no open_id",
    () =>
      Effect.scoped(Effect.gen(function*() {
        const { admin: sandbox, url } = yield* SandboxLoopback.scoped({ ...credentials })
        const dir = yield* Effect.acquireRelease(
          Effect.sync(() => Fs.mkdtempSync(Path.join(Os.tmpdir(), "douyin-media-"))),
          (d) => Effect.sync(() => Fs.rmSync(d, { recursive: true, force: true }))
        )
        const poster = Path.join(dir, "poster.png")
        Fs.writeFileSync(poster, png(1080, 1920))

        const Base = Layer.mergeAll(TokenStore.layerMemory(), OAuth.layer(credentials)).pipe(
          Layer.provideMerge(DouyinConfig.layer({ baseUrl: url })),
          Layer.provideMerge(NodeHttpClient.layerUndici)
        )
        const Live = Layer.mergeAll(
          UploadImage.layer,
          CreateFanGroup.layer,
          SendGroupMessage.layer,
          SaveLeadCard.layer,
          SetAppletTemplate.layer
        )
          .pipe(
            Layer.provide(DouyinClient.layer),
            Layer.provide(Retry.layerDefault),
            Layer.provide(RateLimit.layerDisabled),
            Layer.provide(AccessToken.layerStore()),
            Layer.provideMerge(ClientToken.layerStore()),
            Layer.provideMerge(Base),
            Layer.provideMerge(NodeContext.layer)
          )

        yield* Effect.gen(function*() {
          // the creator authorizes the app (strict tokens: only issued tokens are accepted)
          yield* TokenStore.authorize(yield* sandbox.authorize({ openId }))
          const before = (yield* sandbox.requests).length
          const uploaded = yield* UploadImage.uploadFile(poster)
          expect(uploaded).toMatchObject({ width: 1080, height: 1920 })
          const { groupId } = yield* CreateFanGroup.create({
            openId,
            groupName: "Poster fans",
            description: "posters",
            avatarUri: uploaded.imageId
          })
          const { msgId } = yield* SendGroupMessage.send({ openId, groupId, content: MessageContent.uploadedImage(uploaded.imageId) })

          // read back from the server over HTTP (its admin route)
          const remote = yield* FanGroupSandbox.makeRemote(url)
          const snapshot = yield* remote.snapshot
          const message = snapshot.messages.find((m) => m.msgId === msgId)
          expect(message).toMatchObject({ groupId, senderOpenId: openId, content: { msg_type: 2, image: { media_id: uploaded.imageId } } })
          expect(snapshot.images).toMatchObject([{ imageId: uploaded.imageId, width: 1080, height: 1920, format: "png", size: 33 }])

          const seen = (yield* sandbox.requests).slice(before)
          expect(seen.map((r) => `${r.method} ${r.path}`)).toStrictEqual([
            "POST /oauth/client_token/",
            "POST /tool/imagex/client_upload/",
            "POST /im/group/fans/create/",
            "POST /im/send/msg/group/"
          ])
          expect(seen[1]!.query).toStrictEqual({})
          // the client token is in the store, for every process that shares it
          const stored = yield* Effect.flatMap(TokenStore.TokenStore, (s) => s.get(ClientToken.storeKey(credentials.clientKey)))
          expect(stored._tag).toBe("Some")

          // an id the sandbox never issued is refused
          const refused = yield* Effect.flip(SendGroupMessage.send({ openId, groupId, content: MessageContent.image("@made-up==") }))
          expect(refused).toMatchObject({ _tag: "DouyinInvalidParams", code: 2100005 })
        }).pipe(Effect.provide(Live))
      })),
    60_000
  )

  it.live(
    "the recipe (examples/poster-broadcast.ts): upload the poster once, broadcast it to three groups → 3 sent",
    () =>
      Effect.gen(function*() {
        const summary = yield* PosterBroadcast.demo
        expect(summary).toMatchObject({ total: 3, sent: 3, failed: 0, unknown: 0, pending: 0 })
      }),
    60_000
  )
})
