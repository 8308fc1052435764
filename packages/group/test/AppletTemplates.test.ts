import { ClientToken, type DouyinClient, type DouyinError, DouyinTest, type Endpoint, Envelope } from "@effect-douyin/core"
import { describe, expect, expectTypeOf, it } from "@effect/vitest"
import { Chunk, Effect, Layer, Redacted, Schema, Stream } from "effect"
import type { AppletTemplate } from "../src/index.js"
import { DeleteAppletTemplate, ListAppletTemplates, MessageContent, SetAppletTemplate } from "../src/index.js"
import * as samples from "./fixtures/mediaSamples.js"

const clientToken = "clt.test-client-token"

const layer = (responder: DouyinTest.Responder) =>
  Layer.mergeAll(SetAppletTemplate.layer, ListAppletTemplates.layer, DeleteAppletTemplate.layer).pipe(
    Layer.provideMerge(DouyinTest.layerClient(responder)),
    Layer.provide(ClientToken.layerStatic(Redacted.make(clientToken)))
  )

/** What every template call shares: client token, bare JSON content type, no open_id. */
const expectTemplateRequest = (request: DouyinTest.RecordedRequest | undefined, path: string) => {
  expect(request).toBeDefined()
  expect(request!.method).toBe("POST")
  expect(request!.path).toBe(path)
  expect(request!.headers["access-token"]).toBe(clientToken)
  expect(request!.headers["content-type"]).toBe("application/json")
  expect(request!.query["open_id"]).toBeUndefined()
}

const templateSample = samples.getTemplatesResponse.data.list[0]!

describe("mini-program card templates (envelope D, client token)", () => {
  it("each service is exactly Endpoint.Handler<typeof descriptor>; layers need DouyinClient and ClientToken", () => {
    expectTypeOf<SetAppletTemplate.Service["set"]>().toEqualTypeOf<Endpoint.Handler<typeof SetAppletTemplate.descriptor>>()
    expectTypeOf<ListAppletTemplates.Service["list"]>().toEqualTypeOf<Endpoint.Handler<typeof ListAppletTemplates.descriptor>>()
    expectTypeOf<DeleteAppletTemplate.Service["remove"]>().toEqualTypeOf<Endpoint.Handler<typeof DeleteAppletTemplate.descriptor>>()
    expectTypeOf<SetAppletTemplate.Error>().toEqualTypeOf<DouyinError.ConvergentError>()
    expectTypeOf<ListAppletTemplates.Error>().toEqualTypeOf<DouyinError.ReadError>()
    expectTypeOf<Layer.Layer.Context<typeof ListAppletTemplates.layer>>().toEqualTypeOf<
      DouyinClient.DouyinClient | ClientToken.ClientToken
    >()
  })

  it("envelope D is decoded in one place: Envelope.payload is the data object; the status reads as for A", () => {
    expect(Envelope.payload("D", samples.setTemplateResponse)).toBe(samples.setTemplateResponse.data)
    expect(Envelope.payload("A", samples.uploadResponse)).toBe(samples.uploadResponse)
    expect(Envelope.status("D", { data: { error_code: 2100004, description: "busy" }, extra: {} })).toMatchObject({
      _tag: "Right",
      right: { code: 2100004 }
    })
  })

  it.effect("set: POST /api/douyin/v1/im/set_applet_template/, the recorded request body; data.card_template_id of the recorded response", () =>
    Effect.gen(function*() {
      const input = { title: "title测试", content: "content测试", mediaId: samples.setTemplateRequest.media_id }
      const { cardTemplateId } = yield* SetAppletTemplate.set(input)
      expect(cardTemplateId).toBe(samples.setTemplateResponse.data.card_template_id)
      const [request] = yield* DouyinTest.requests
      expectTemplateRequest(request, "/api/douyin/v1/im/set_applet_template/")
      expect(request!.query).toStrictEqual({})
      expect(request!.body).toStrictEqual(samples.setTemplateRequest)
      expect(Schema.decodeUnknownSync(SetAppletTemplate.Request)(samples.setTemplateRequest)).toStrictEqual({ ...input, cardType: 1 })
      expect(Schema.encodeSync(SetAppletTemplate.Response)({ cardTemplateId })).toStrictEqual({
        card_template_id: samples.setTemplateResponse.data.card_template_id
      })
      expect(MessageContent.appletTemplateCard(cardTemplateId, { appId: "tt1", schema: "https://z.douyin.com/ijBoQwF" })).toStrictEqual({
        _tag: "AppletCard",
        cardTemplateId,
        appId: "tt1",
        schema: "https://z.douyin.com/ijBoQwF"
      })
    }).pipe(Effect.provide(layer({ "POST /api/douyin/v1/im/set_applet_template/": DouyinTest.json(samples.setTemplateResponse) }))))

  it.effect("list: the recorded request { cursor: 0, count: 50 }; the recorded page decodes from data and encodes back", () =>
    Effect.gen(function*() {
      const page = yield* ListAppletTemplates.list({ count: 50 })
      const [request] = yield* DouyinTest.requests
      expectTemplateRequest(request, "/api/douyin/v1/im/get_applet_template/")
      expect(request!.body).toStrictEqual(samples.getTemplatesRequest)
      const expected: AppletTemplate.Template = {
        cardTemplateId: templateSample.card_template_id as AppletTemplate.Template["cardTemplateId"],
        cardType: 1,
        title: templateSample.title,
        content: templateSample.content,
        mediaId: templateSample.media_id as AppletTemplate.Template["mediaId"],
        status: "approved",
        name: "决胜巅峰",
        appIconUrl: templateSample.app_icon_url,
        createTime: 1571075129,
        updateTime: 1571075129
      }
      expect(page).toStrictEqual({ cursor: 0, hasMore: false, templates: [expected] })
      expect(Schema.encodeSync(ListAppletTemplates.Response)(page)).toStrictEqual({
        cursor: 0,
        has_more: false,
        list: [templateSample]
      })
      yield* ListAppletTemplates.list({ count: 10, cursor: 20, status: "rejected" })
      expect((yield* DouyinTest.requests)[1]!.body).toStrictEqual({ count: 10, cursor: 20, status: 2 })
    }).pipe(Effect.provide(layer([DouyinTest.json(samples.getTemplatesResponse)]))))

  it.effect("stream: walks the cursor while has_more, lazily, and stops on a repeated cursor", () =>
    Effect.gen(function*() {
      const first = yield* Stream.runCollect(ListAppletTemplates.stream({ count: 2 }).pipe(Stream.take(1)))
      expect(Chunk.size(first)).toBe(1)
      expect(yield* DouyinTest.requests).toHaveLength(1)
      const all = yield* Stream.runCollect(ListAppletTemplates.stream({ count: 2 }))
      expect(Chunk.size(all)).toBe(3)
      const bodies = (yield* DouyinTest.requests).slice(1).map((r) => r.body)
      expect(bodies).toStrictEqual([{ count: 2, cursor: 0 }, { count: 2, cursor: 2 }, { count: 2, cursor: 3 }])
    }).pipe(Effect.provide(layer((request) => {
      const cursor = (request.body as { cursor: number }).cursor
      const data = (list: ReadonlyArray<unknown>, next: number, hasMore: boolean) =>
        DouyinTest.json({
          ...samples.getTemplatesResponse,
          data: { error_code: 0, description: "", cursor: next, has_more: hasMore, list }
        })
      // page 1: 2 items (next 2), page 2: 1 item (next 3), page 3: none but has_more with the same cursor
      return cursor === 0
        ? data([templateSample, templateSample], 2, true)
        : cursor === 2
        ? data([templateSample], 3, true)
        : data([], 3, true)
    }))))

  it.effect("delete: POST /api/douyin/v1/im/del_applet_template/?card_template_id=… as the official example, no body", () =>
    Effect.gen(function*() {
      yield* DeleteAppletTemplate.remove({ cardTemplateId: samples.deleteTemplateCardId })
      const [request] = yield* DouyinTest.requests
      expectTemplateRequest(request, "/api/douyin/v1/im/del_applet_template/")
      expect(request!.url).toBe(`https://open.douyin.com/api/douyin/v1/im/del_applet_template/?${samples.deleteTemplateQueryString}`)
      expect(request!.bodyText ?? "").toBe("")
    }).pipe(Effect.provide(layer([DouyinTest.json(samples.deleteTemplateResponse)]))))

  it.effect("a failure inside data (envelope D) is the typed error", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(DeleteAppletTemplate.remove({ cardTemplateId: "@x" }))
      expect(error._tag).toBe("DouyinInvalidParams")
    }).pipe(Effect.provide(layer([DouyinTest.json({ data: { error_code: 2100005, description: "参数不合法" }, extra: { logid: "l" } })]))))

  it.effect("bad input → DouyinInvalidInput, zero requests: blank title, 31 characters, blank content, no media, card type 2, count 0/51 or missing, negative cursor", () =>
    Effect.gen(function*() {
      const base = { title: "Join", content: "Tap", mediaId: "@img" }
      const sets: ReadonlyArray<unknown> = [
        { ...base, title: " " },
        { ...base, title: "标".repeat(31) },
        { ...base, content: "" },
        { ...base, mediaId: "" },
        { ...base, cardType: 2 }
      ]
      for (const input of sets) {
        expect((yield* Effect.flip(SetAppletTemplate.set(input as SetAppletTemplate.Input)))._tag).toBe("DouyinInvalidInput")
      }
      yield* SetAppletTemplate.set({ ...base, title: "标".repeat(30) })
      for (const input of [{ count: 0 }, { count: 51 }, {}, { count: 5, cursor: -1 }, { count: 5, status: "done" }]) {
        expect((yield* Effect.flip(ListAppletTemplates.list(input as ListAppletTemplates.Input)))._tag).toBe("DouyinInvalidInput")
      }
      expect((yield* Effect.flip(DeleteAppletTemplate.remove({ cardTemplateId: "" })))._tag).toBe("DouyinInvalidInput")
      expect(yield* DouyinTest.requests).toHaveLength(1)
    }).pipe(Effect.provide(layer([DouyinTest.json(samples.setTemplateResponse)]))))
})
