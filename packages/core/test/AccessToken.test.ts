import type * as ConfigError from "effect/ConfigError"
import { describe, expect, it } from "@effect/vitest"
import type { Layer } from "effect"
import { ConfigProvider, Effect, Option, Redacted } from "effect"
import { AccessToken, DouyinTest, Endpoint } from "../src/index.js"
import { fakeClient } from "./support/fakeClient.js"
import { Count, key, onPath, stack, stored } from "./tokenFixtures.js"

const count = (openId: string) => Effect.flatMap(Endpoint.handler(Count), (call) => call({ openId }))

const clientWith = (tokens: Layer.Layer<AccessToken.AccessToken, ConfigError.ConfigError>, responder: DouyinTest.Responder) =>
  fakeClient(responder, { tokens })

describe("AccessToken sources", () => {
  it.effect("layerConfig reads DOUYIN_ACCESS_TOKEN and keeps it redacted", () =>
    Effect.gen(function*() {
      const tokens = yield* AccessToken.AccessToken
      const token = yield* tokens.get("anyone")
      expect(Redacted.value(token)).toBe("act.from-config")
      expect(String(token)).not.toContain("act.from-config")
      expect(yield* tokens.refresh("anyone", token)).toEqual(Option.none())
    }).pipe(
      Effect.provide(AccessToken.layerConfig()),
      Effect.withConfigProvider(ConfigProvider.fromMap(new Map([["DOUYIN_ACCESS_TOKEN", "act.from-config"]])))
    ))

  it.effect("layerFunction resolves per open_id and its refresh is asked once on an expired code", () =>
    Effect.gen(function*() {
      expect(yield* count("bob")).toEqual({ leftCount: 2 })
      expect((yield* DouyinTest.requests).map((r) => r.headers["access-token"])).toEqual(["act.bob", "act.bob.fresh"])
    }).pipe(Effect.provide(clientWith(
      AccessToken.layerFunction({
        get: (openId) => Effect.succeed(Redacted.make(`act.${openId}`)),
        refresh: (openId) => Effect.succeed(Option.some(Redacted.make(`act.${openId}.fresh`)))
      }),
      (r) => r.headers["access-token"] === "act.bob.fresh" ? DouyinTest.successA({ left_count: 2 }) : DouyinTest.errorA(2190008)
    ))))

  it.effect("withToken overrides the store for the calls inside it, and an overridden token is never refreshed", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(count("alice").pipe(AccessToken.withToken(Redacted.make("act.override"))))
      expect(error).toMatchObject({ _tag: "DouyinAuthError", code: 2190008 })
      expect((yield* onPath("/im/group/count/")).map((r) => r.headers["access-token"])).toEqual(["act.override"])
      expect(yield* onPath("/oauth/refresh_token/")).toHaveLength(0)
    }).pipe(Effect.provide(stack(() => DouyinTest.errorA(2190008), [[key("alice"), stored("act.alice.0", "rft.alice")]]))))
})
