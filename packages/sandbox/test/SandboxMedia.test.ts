import { AccessToken, ClientToken, DouyinClient, DouyinConfig, OAuth, RateLimit, Retry } from "@effect-douyin/core"
import { describe, expect, it } from "@effect/vitest"
import { Effect, Layer, Redacted, Stream, TestClock } from "effect"
import {
  CreateFanGroup,
  DeleteAppletTemplate,
  DeleteLeadCard,
  FanGroupApi,
  ListAppletTemplates,
  ListLeadCards,
  MediaApi,
  MessageContent,
  SaveLeadCard,
  SendGroupMessage,
  SetAppletTemplate,
  UploadImage
} from "@effect-douyin/group"
import { FanGroupSandbox } from "../src/index.js"
import { png } from "../../group/test/fixtures/mediaSamples.js"

// The sandbox's media and card routes, driven through the SDK's own services over one
// in-process sandbox; the client token comes from its /oauth/client_token/ through ClientToken.

const credentials = { clientKey: "ck_media", clientSecret: Redacted.make("secret_media") }

const TestLive = (options: FanGroupSandbox.Options = {}) =>
  Layer.mergeAll(FanGroupApi.layer, MediaApi.layer).pipe(
    Layer.provideMerge(DouyinClient.layer),
    Layer.provide(Retry.layerDisabled),
    Layer.provide(RateLimit.layerDisabled),
    Layer.provide(AccessToken.layerStatic(Redacted.make(FanGroupSandbox.defaultToken))),
    Layer.provideMerge(ClientToken.layer()),
    Layer.provideMerge(OAuth.layer(credentials)),
    Layer.provideMerge(DouyinConfig.layer()),
    Layer.provide(FanGroupSandbox.layerHttpClient),
    Layer.provideMerge(FanGroupSandbox.layer({ lenient: true, ...credentials, ...options }))
  )

const openId = "creator-1"
const newGroup = CreateFanGroup.create({ openId, groupName: "G", description: "d", avatarUri: "https://x/a.png" })

describe("FanGroupSandbox: media, cards, templates", () => {
  it.effect("an uploaded image is kept by id with its dimensions; a group message with it is accepted and read back; an unknown media_id is refused", () =>
    Effect.gen(function*() {
      const sandbox = yield* FanGroupSandbox.FanGroupSandbox
      const { groupId } = yield* newGroup
      const uploaded = yield* UploadImage.upload({ image: png(263, 120) })
      expect(uploaded).toMatchObject({ width: 263, height: 120 })
      expect(uploaded.md5).toMatch(/^[0-9a-f]{32}$/)
      const { msgId } = yield* SendGroupMessage.send({ openId, groupId, content: MessageContent.uploadedImage(uploaded.imageId) })
      const snapshot = yield* sandbox.snapshot
      expect(snapshot.images).toMatchObject([{ imageId: uploaded.imageId, width: 263, height: 120, format: "png", size: 33 }])
      expect(snapshot.messages.find((m) => m.msgId === msgId)?.content).toStrictEqual({
        msg_type: 2,
        image: { media_id: uploaded.imageId }
      })
      const unknown = yield* Effect.flip(SendGroupMessage.send({ openId, groupId, content: MessageContent.image("@never-issued") }))
      expect(unknown).toMatchObject({ _tag: "DouyinInvalidParams", code: 2100005 })
      expect(unknown.message).toContain("was not issued")
    }).pipe(Effect.provide(TestLive())))

  it.effect("lead cards: saved (approved), listed with status, sent; an unknown card_id or media_id refused; deleting twice converges", () =>
    Effect.gen(function*() {
      const { groupId } = yield* newGroup
      const { imageId } = yield* UploadImage.upload({ image: png(263, 120) })
      const missingImage = yield* Effect.flip(SaveLeadCard.save({ openId, title: "Visit", mediaId: "@nope", components: ["name"] }))
      expect(missingImage).toMatchObject({ _tag: "DouyinInvalidParams", code: 2100005 })
      const { cardId } = yield* SaveLeadCard.save({ openId, title: "Visit", mediaId: imageId, components: ["name", "phone"] })
      yield* SaveLeadCard.save({ openId, cardId, title: "Visit us", mediaId: imageId, components: ["phone"] })
      expect((yield* ListLeadCards.list({ openId })).cards).toStrictEqual([
        { cardId, title: "Visit us", mediaId: imageId, components: ["phone"], status: "approved" }
      ])
      expect((yield* ListLeadCards.list({ openId: "someone-else" })).cards).toStrictEqual([])
      yield* SendGroupMessage.send({ openId, groupId, content: MessageContent.savedLeadCard(cardId) })
      const unknown = yield* Effect.flip(SendGroupMessage.send({ openId, groupId, content: MessageContent.leadCard("@nope") }))
      expect(unknown).toMatchObject({ code: 2100005 })
      yield* DeleteLeadCard.remove({ openId, cardId })
      yield* DeleteLeadCard.remove({ openId, cardId })
      expect((yield* ListLeadCards.list({ openId })).cards).toStrictEqual([])
      expect(yield* Effect.flip(DeleteLeadCard.remove({ openId, cardId: "@never" }))).toMatchObject({ code: 2100005 })
    }).pipe(Effect.provide(TestLive())))

  it.effect("templates: set (the same content gives the same id), streamed over the cursor, sent as an applet card, deleted; unknown id refused", () =>
    Effect.gen(function*() {
      const { groupId } = yield* newGroup
      const { imageId } = yield* UploadImage.upload({ image: png(240, 135) })
      const ids = []
      for (let i = 0; i < 5; i++) {
        ids.push((yield* SetAppletTemplate.set({ title: `T${i}`, content: "Tap", mediaId: imageId, appId: "tt1" })).cardTemplateId)
      }
      const again = yield* SetAppletTemplate.set({ title: "T0", content: "Tap", mediaId: imageId, appId: "tt1" })
      expect(again.cardTemplateId).toBe(ids[0])
      const all = yield* Stream.runCollect(ListAppletTemplates.stream({ count: 2 }))
      expect(Array.from(all).map((t) => [t.cardTemplateId, t.status])).toStrictEqual(ids.map((id) => [id, "approved"]))
      yield* SendGroupMessage.send({
        openId,
        groupId,
        content: MessageContent.appletTemplateCard(ids[1]!, { appId: "tt1", path: "pages/index" })
      })
      const unknown = yield* Effect.flip(
        SendGroupMessage.send({ openId, groupId, content: MessageContent.appletCard({ cardTemplateId: "@tpl", appId: "tt1" }) })
      )
      expect(unknown).toMatchObject({ code: 2100005 })
      yield* DeleteAppletTemplate.remove({ cardTemplateId: ids[4]! })
      yield* DeleteAppletTemplate.remove({ cardTemplateId: ids[4]! })
      expect((yield* ListAppletTemplates.list({ count: 50 })).templates).toHaveLength(4)
      const missing = yield* Effect.flip(SetAppletTemplate.set({ title: "X", content: "Y", mediaId: "@nope" }))
      expect(missing).toMatchObject({ code: 2100005 })
    }).pipe(Effect.provide(TestLive())))

  it.effect("the wire: a multipart body without an image part, an empty or unsupported image → 2100005", () =>
    Effect.gen(function*() {
      const sandbox = yield* FanGroupSandbox.FanGroupSandbox
      const multipartOf = (name: string, bytes: string) => {
        const boundary = "b0undary"
        return {
          method: "POST",
          path: "/tool/imagex/client_upload/",
          query: {},
          headers: { "access-token": "clt.any", "content-type": `multipart/form-data; boundary=${boundary}` },
          bodyText: `--${boundary}\r\nContent-Disposition: form-data; name="${name}"; filename="x"\r\n\r\n${bytes}\r\n--${boundary}--\r\n`
        }
      }
      for (const request of [multipartOf("file", "\x89PNG"), multipartOf("image", ""), multipartOf("image", "GIF89a")]) {
        const outcome = yield* sandbox.handle(request)
        expect(outcome._tag === "Reply" && JSON.parse(outcome.body).data.error_code).toBe(2100005)
      }
      const json = yield* sandbox.handle({
        ...multipartOf("image", "x"),
        headers: { "access-token": "clt.any", "content-type": "application/json" }
      })
      expect(json._tag === "Reply" && JSON.parse(json.body).data.error_code).toBe(2100005)
    }).pipe(Effect.provide(TestLive())))

  it.effect("client tokens: only the two newest are valid; an older one dies 5 minutes after a newer one is issued", () =>
    Effect.gen(function*() {
      const sandbox = yield* FanGroupSandbox.FanGroupSandbox
      const fetch = Effect.flatMap(OAuth.OAuth, (o) => Effect.map(o.clientToken, (t) => Redacted.value(t.accessToken)))
      const upload = (token: string) =>
        Effect.map(
          sandbox.handle({
            method: "POST",
            path: "/api/douyin/v1/im/get_applet_template/",
            query: {},
            headers: { "access-token": token, "content-type": "application/json" },
            bodyText: JSON.stringify({ count: 1 })
          }),
          (o) => o._tag === "Reply" ? JSON.parse(o.body).data.error_code as number : -1
        )
      const t1 = yield* fetch
      const t2 = yield* fetch
      expect([yield* upload(t1), yield* upload(t2)]).toStrictEqual([0, 0])
      yield* TestClock.adjust("5 minutes")
      expect([yield* upload(t1), yield* upload(t2)]).toStrictEqual([2190002, 0])
      const t3 = yield* fetch
      const t4 = yield* fetch
      // t2 has two newer tokens: dead at once; t3 lives out its grace
      expect([yield* upload(t2), yield* upload(t3), yield* upload(t4)]).toStrictEqual([2190002, 0, 0])
      yield* TestClock.adjust("2 hours")
      expect(yield* upload(t4)).toBe(2190008)
    }).pipe(Effect.provide(TestLive({ lenient: false }))))
})
