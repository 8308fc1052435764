import { describe, expect, it } from "@effect/vitest"
import { ConfigProvider, Duration, Effect, Layer, Option } from "effect"
import { DouyinConfig, DouyinTest, Endpoint } from "../src/index.js"
import { Count } from "./support/descriptors.js"

describe("DouyinConfig", () => {
  it.effect("defaults to production with 10 s per attempt and 30 s per call", () =>
    Effect.gen(function*() {
      const settings = yield* DouyinConfig.make()
      expect(settings.baseUrl).toBe("https://open.douyin.com")
      expect(Duration.toMillis(settings.attemptTimeout)).toBe(10_000)
      expect(Duration.toMillis(settings.callTimeout)).toBe(30_000)
      expect(Option.isNone(settings.userAgent)).toBe(true)
    }))

  it.effect("layerConfig reads DOUYIN_* settings", () =>
    Effect.gen(function*() {
      const settings = yield* DouyinConfig.DouyinConfig
      expect(settings.baseUrl).toBe("http://127.0.0.1:4000")
      expect(Duration.toMillis(settings.attemptTimeout)).toBe(2_000)
      expect(Duration.toMillis(settings.callTimeout)).toBe(30_000)
    }).pipe(
      Effect.provide(
        DouyinConfig.layerConfig().pipe(
          Layer.provide(
            Layer.setConfigProvider(
              ConfigProvider.fromMap(
                new Map([["DOUYIN_BASE_URL", "http://127.0.0.1:4000/"], ["DOUYIN_ATTEMPT_TIMEOUT", "2 seconds"]])
              )
            )
          )
        )
      )
    ))

  it.effect("an overridden base URL and user agent reach the wire", () =>
    Effect.gen(function*() {
      const count = yield* Endpoint.handler(Count)
      yield* count({ openId: "op-1" })
      const [request] = yield* DouyinTest.requests
      expect(request!.url).toBe("http://127.0.0.1:4000/im/group/count/?open_id=op-1")
      expect(request!.headers["user-agent"]).toBe("effect-douyin-test")
    }).pipe(
      Effect.provide(
        DouyinTest.layerClient([DouyinTest.successA({ left_count: 0 })], {
          baseUrl: "http://127.0.0.1:4000/",
          userAgent: "effect-douyin-test"
        })
      )
    ))
})
