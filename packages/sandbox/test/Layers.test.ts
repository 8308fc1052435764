import { HttpClient, HttpClientRequest } from "@effect/platform"
import { describe, expect, it } from "@effect/vitest"
import { FanGroupApi, ListFanGroups } from "@effect-douyin/group"
import { Effect, Layer } from "effect"
import { FanGroupSandbox, SandboxTest } from "../src/index.js"

// The sandbox's layers give the emulator to the SDK (and to a test that asks by its own tag),
// never as a plain HttpClient: an app's other HTTP calls must not reach the emulator silently.

const plainHttpClient = Effect.map(Effect.serviceOption(HttpClient.HttpClient), (o) => o._tag)

describe("the sandbox's layers put no plain HttpClient into the context", () => {
  it.effect("layerClient: the sandbox's client only under SandboxHttpClient", () =>
    Effect.gen(function*() {
      expect(yield* plainHttpClient).toBe("None")
      const http = yield* FanGroupSandbox.SandboxHttpClient
      const response = yield* http.execute(
        HttpClientRequest.get("https://open.douyin.com/im/group/count/?open_id=creator-1").pipe(
          HttpClientRequest.setHeader("access-token", "act.sandbox.creator-1")
        )
      )
      expect(((yield* response.json) as { left_count: number }).left_count).toBe(5)
    }).pipe(Effect.provide(FanGroupSandbox.layerClient({ lenient: true }))))

  it.effect("layerDouyinClient: the SDK's calls reach the sandbox, nothing else does", () =>
    Effect.gen(function*() {
      expect(yield* plainHttpClient).toBe("None")
      const sandbox = yield* FanGroupSandbox.FanGroupSandbox
      yield* sandbox.seed({ creators: [{ open_id: "creator-1", groups: [{ group_name: "fans" }] }] })
      const { groups } = yield* ListFanGroups.list({ openId: "creator-1" })
      expect(groups.map((g) => g.groupName)).toEqual(["fans"])
    }).pipe(Effect.provide(FanGroupApi.layer.pipe(Layer.provideMerge(FanGroupSandbox.layerDouyinClient())))))

  it.effect("SandboxTest.layer: the whole stack, no plain HttpClient", () =>
    Effect.gen(function*() {
      expect(yield* plainHttpClient).toBe("None")
    }).pipe(Effect.provide(SandboxTest.layer())))
})
