import { type DouyinClient, type DouyinError, DouyinTest, type Endpoint } from "@effect-douyin/core"
import { describe, expect, expectTypeOf, it } from "@effect/vitest"
import { Effect, Layer, Schema } from "effect"
import { DeleteLeadCard, LeadCard, ListLeadCards, MessageContent, SaveLeadCard } from "../src/index.js"
import * as samples from "./fixtures/mediaSamples.js"
import { expectRequest } from "./helpers.js"

const layer = (responder: DouyinTest.Responder) =>
  Layer.mergeAll(SaveLeadCard.layer, ListLeadCards.layer, DeleteLeadCard.layer).pipe(
    Layer.provideMerge(DouyinTest.layerClient(responder))
  )

const success = { ...samples.listCardsResponse, extra: samples.saveCardResponse.extra }

describe("lead cards", () => {
  it("each service is exactly Endpoint.Handler<typeof descriptor>, with its idempotency class's errors", () => {
    expectTypeOf<SaveLeadCard.Service["save"]>().toEqualTypeOf<Endpoint.Handler<typeof SaveLeadCard.descriptor>>()
    expectTypeOf<ListLeadCards.Service["list"]>().toEqualTypeOf<Endpoint.Handler<typeof ListLeadCards.descriptor>>()
    expectTypeOf<DeleteLeadCard.Service["remove"]>().toEqualTypeOf<Endpoint.Handler<typeof DeleteLeadCard.descriptor>>()
    expectTypeOf<SaveLeadCard.Error>().toEqualTypeOf<DouyinError.UnsafeError>()
    expectTypeOf<ListLeadCards.Error>().toEqualTypeOf<DouyinError.ReadError>()
    expectTypeOf<DeleteLeadCard.Error>().toEqualTypeOf<DouyinError.ConvergentError>()
    expectTypeOf<Layer.Layer.Context<typeof SaveLeadCard.layer>>().toEqualTypeOf<DouyinClient.DouyinClient>()
  })

  it.effect("save: POST /im/save/retain_consult_card/?open_id=…, the recorded request body; the recorded response → cardId", () =>
    Effect.gen(function*() {
      const input = {
        openId: "op-1",
        title: "同类型",
        mediaId: samples.saveCardRequest.media_id,
        components: ["name", "phone", "city"]
      } as const
      const { cardId } = yield* SaveLeadCard.save(input)
      expect(cardId).toBe(samples.saveCardResponse.card_id)
      expect(MessageContent.savedLeadCard(cardId)).toStrictEqual({ _tag: "LeadCard", cardId })
      const [request] = yield* DouyinTest.requests
      expectRequest(request, {
        method: "POST",
        path: "/im/save/retain_consult_card/",
        query: { open_id: "op-1" },
        body: samples.saveCardRequest
      })
      // both directions: the recorded request decodes to the input, the result encodes to the payload
      expect(Schema.decodeSync(SaveLeadCard.Request)({ open_id: "op-1", ...samples.saveCardRequest })).toStrictEqual(input)
      expect(Schema.encodeSync(SaveLeadCard.Response)({ cardId })).toStrictEqual({ card_id: samples.saveCardResponse.card_id })
      // an update carries card_id
      yield* SaveLeadCard.save({ ...input, cardId: "@old-card", components: ["phone"] })
      expect((yield* DouyinTest.requests)[1]!.body).toStrictEqual({ ...samples.saveCardRequest, card_id: "@old-card", components: [2] })
    }).pipe(Effect.provide(layer({ "POST /im/save/retain_consult_card/": DouyinTest.json(samples.saveCardResponse) }))))

  it.effect("list: GET /im/get/retain_consult_card/?open_id=…; the recorded cards decode (components, review status) and encode back", () =>
    Effect.gen(function*() {
      const { cards } = yield* ListLeadCards.list({ openId: "op-1" })
      const sample = samples.listCardsResponse.cards[0]!
      expect(cards).toStrictEqual([{
        cardId: sample.card_id,
        title: "AkEgWXgjJC",
        mediaId: sample.media_id,
        components: ["name"],
        status: "inReview"
      }])
      expectRequest((yield* DouyinTest.requests)[0], {
        method: "GET",
        path: "/im/get/retain_consult_card/",
        query: { open_id: "op-1" },
        body: undefined
      })
      expect(Schema.encodeSync(ListLeadCards.Response)({ cards })).toStrictEqual({ cards: samples.listCardsResponse.cards })
    }).pipe(Effect.provide(layer({ "GET /im/get/retain_consult_card/": DouyinTest.json(success) }))))

  it.effect("the recorded list sample's filler extra (error_code 1231) is a failure, as any non-zero code", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(ListLeadCards.list({ openId: "op-1" }))
      expect(error._tag).not.toBe("DouyinDecodeError")
      expect("code" in error && error.code).toBe(1231)
    }).pipe(Effect.provide(layer([DouyinTest.json(samples.listCardsResponse)]))))

  it.effect("delete: GET /im/del/retain_consult_card/?open_id=…&card_id=… (the vendor SDK's method), no body; POST is one line away", () =>
    Effect.gen(function*() {
      yield* DeleteLeadCard.remove({ openId: "op-1", cardId: "@card+/=" })
      const [request] = yield* DouyinTest.requests
      expectRequest(request, {
        method: "GET",
        path: "/im/del/retain_consult_card/",
        query: { open_id: "op-1", card_id: "@card+/=" },
        body: undefined
      })
      expect(request!.url).toBe("https://open.douyin.com/im/del/retain_consult_card/?open_id=op-1&card_id=%40card%2B%2F%3D")
      expect(DeleteLeadCard.descriptor.method).toBe("GET")
      expect(DeleteLeadCard.descriptor.query).toStrictEqual(["card_id"])
    }).pipe(Effect.provide(layer({ "GET /im/del/retain_consult_card/": DouyinTest.json(samples.deleteCardResponse) }))))

  it.effect("bad input → DouyinInvalidInput, zero requests: blank title, no components, more components than allowed, a repeated one, unknown component, no open_id, blank card id", () =>
    Effect.gen(function*() {
      const base = { openId: "op-1", title: "Visit", mediaId: "@img", components: ["name"] }
      const saves: ReadonlyArray<readonly [unknown, RegExp]> = [
        [{ ...base, title: "   " }, /non-blank/],
        [{ ...base, components: [] }, /at least one component/],
        [{ ...base, components: ["name", "phone", "city", "name"] }, /at most 3 components/],
        [{ ...base, components: ["phone", "phone"] }, /only once/],
        [{ ...base, components: ["email"] }, /expected "name"/],
        [{ ...base, openId: "" }, /openId/],
        [{ ...base, mediaId: "" }, /mediaId/]
      ]
      for (const [input, message] of saves) {
        const error = yield* Effect.flip(SaveLeadCard.save(input as SaveLeadCard.Input))
        expect(error._tag).toBe("DouyinInvalidInput")
        expect(error.message).toMatch(message)
      }
      expect((yield* Effect.flip(DeleteLeadCard.remove({ openId: "op-1", cardId: " " })))._tag).toBe("DouyinInvalidInput")
      expect((yield* Effect.flip(ListLeadCards.list({ openId: "" })))._tag).toBe("DouyinInvalidInput")
      expect(yield* DouyinTest.requests).toHaveLength(0)
      expect(LeadCard.maxComponents).toBe(3)
    }).pipe(Effect.provide(layer([DouyinTest.json(samples.saveCardResponse)]))))
})
