import { describe, expect, it } from "@effect/vitest"
import { Effect, TestClock } from "effect"
import { WebhookDedupe } from "../src/index.js"

describe("WebhookDedupe (in memory)", () => {
  it.effect("the first claim of an id wins, repeats lose", () =>
    Effect.gen(function*() {
      const store = yield* WebhookDedupe.makeMemory()
      expect(yield* store.claim("a")).toBe(true)
      expect(yield* store.claim("a")).toBe(false)
      expect(yield* store.claim("a")).toBe(false)
      expect(yield* store.claim("b")).toBe(true)
    }))

  it.effect("of 50 concurrent claims of one id exactly one wins", () =>
    Effect.gen(function*() {
      const store = yield* WebhookDedupe.makeMemory()
      const results = yield* Effect.all(Array.from({ length: 50 }, () => store.claim("same")), {
        concurrency: "unbounded"
      })
      expect(results.filter((first) => first)).toHaveLength(1)
    }))

  it.effect("is bounded by age: an id is new again after timeToLive (TestClock)", () =>
    Effect.gen(function*() {
      const store = yield* WebhookDedupe.makeMemory({ timeToLive: "10 minutes" })
      expect(yield* store.claim("a")).toBe(true)
      yield* TestClock.adjust("9 minutes")
      expect(yield* store.claim("a")).toBe(false)
      yield* TestClock.adjust("1 minute")
      yield* TestClock.adjust(1)
      expect(yield* store.claim("a")).toBe(true)
      expect(yield* store.claim("a")).toBe(false)
    }))

  it.effect("is bounded by size: beyond capacity the least recently seen id is forgotten", () =>
    Effect.gen(function*() {
      const store = yield* WebhookDedupe.makeMemory({ capacity: 3 })
      for (const id of ["a", "b", "c"]) expect(yield* store.claim(id)).toBe(true)
      expect(yield* store.claim("d")).toBe(true) // evicts "a"
      expect(yield* store.claim("d")).toBe(false)
      expect(yield* store.claim("c")).toBe(false)
      expect(yield* store.claim("a")).toBe(true)
    }))

  it.effect("layerDisabled lets every delivery through", () =>
    Effect.gen(function*() {
      const store = yield* WebhookDedupe.WebhookDedupe
      expect(yield* store.claim("a")).toBe(true)
      expect(yield* store.claim("a")).toBe(true)
    }).pipe(Effect.provide(WebhookDedupe.layerDisabled)))
})
