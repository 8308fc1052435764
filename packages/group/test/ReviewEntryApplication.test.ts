import { type DouyinError, DouyinTest, type Endpoint } from "@effect-douyin/core"
import { describe, expect, expectTypeOf, it } from "@effect/vitest"
import { Effect, Layer } from "effect"
import { ReviewEntryApplication } from "../src/index.js"
import * as fixtures from "./fixtures.js"
import { expectRequest } from "./helpers.js"

const layer = (responder: DouyinTest.Responder) => ReviewEntryApplication.layer.pipe(Layer.provideMerge(DouyinTest.layerClient(responder)))

const ok = { "POST /im/group/enter/audit/set/": DouyinTest.json(fixtures.auditSetResponse) }

describe("ReviewEntryApplication", () => {
  it("review is exactly Endpoint.Handler<typeof descriptor>; errors DouyinError.ConvergentError; R only ReviewEntryApplication", () => {
    expectTypeOf<ReviewEntryApplication.Service["review"]>().toEqualTypeOf<Endpoint.Handler<typeof ReviewEntryApplication.descriptor>>()
    expectTypeOf<ReviewEntryApplication.Error>().toEqualTypeOf<DouyinError.ConvergentError>()
    expectTypeOf(ReviewEntryApplication.review).parameters.toEqualTypeOf<[ReviewEntryApplication.Input]>()
    expectTypeOf<Effect.Effect.Context<ReturnType<typeof ReviewEntryApplication.review>>>().toEqualTypeOf<
      ReviewEntryApplication.ReviewEntryApplication
    >()
  })

  it.effect("POST /im/group/enter/audit/set/ with apply_id and status 2 / 3; decodes the recorded sample", () =>
    Effect.gen(function*() {
      expect(yield* ReviewEntryApplication.review({ openId: "op-1", applyId: "@apply==", decision: "approve" }))
        .toStrictEqual({ success: true })
      yield* ReviewEntryApplication.review({ openId: "op-1", applyId: "@apply==", decision: "reject" })
      const requests = yield* DouyinTest.requests
      expect(requests).toHaveLength(2)
      expectRequest(requests[0], {
        method: "POST",
        path: "/im/group/enter/audit/set/",
        query: { open_id: "op-1" },
        body: { apply_id: "@apply==", status: 2 }
      })
      expect(requests[1]!.body).toStrictEqual({ apply_id: "@apply==", status: 3 })
    }).pipe(Effect.provide(layer(ok))))

  it.effect("2100009 (user banned from the operation) → DouyinPermissionError with the logid", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(
        ReviewEntryApplication.review({ openId: "op-1", applyId: "@apply==", decision: "approve" })
      )
      expect(error._tag).toBe("DouyinPermissionError")
      if (error._tag !== "DouyinPermissionError") return
      expect(error.code).toBe(2100009)
      expect(error.logId).toBe("log-review-1")
    }).pipe(Effect.provide(layer([DouyinTest.errorA(2100009, "banned", "log-review-1")]))))

  it.effect("a decision other than approve/reject, or an empty apply id → DouyinInvalidInput, nothing sent", () =>
    Effect.gen(function*() {
      for (
        const bad of [
          { openId: "op-1", applyId: "@a", decision: "pending" },
          { openId: "op-1", applyId: "@a", decision: 4 },
          { openId: "op-1", applyId: "@a", decision: 2 },
          { openId: "op-1", applyId: "", decision: "approve" }
        ]
      ) {
        expect((yield* Effect.flip(ReviewEntryApplication.review(bad as any)))._tag).toBe("DouyinInvalidInput")
      }
      expect(yield* DouyinTest.requests).toHaveLength(0)
    }).pipe(Effect.provide(layer(ok))))
})
