import { HttpClient, HttpClientRequest } from "@effect/platform"
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import { describe, expect, it } from "@effect/vitest"
import * as DouyinHttpClient from "@effect-douyin/core/DouyinHttpClient"
import { FanGroupSandbox } from "@effect-douyin/sandbox"
import { Effect, Layer } from "effect"
import * as SandboxServer from "@effect-douyin/sandbox/SandboxServer"

// The server face on a real loopback socket (port 0), read by the platform's undici client and
// by the SDK's fast client alike.

const transports = [
  { name: "the platform's undici client", http: NodeHttpClient.layerUndici },
  { name: "the fast client (DouyinHttpClient)", http: DouyinHttpClient.layer() }
]

const count = (url: string) =>
  Effect.flatMap(HttpClient.HttpClient, (http) =>
    http.execute(
      HttpClientRequest.get(`${url}/im/group/count/`, {
        urlParams: { open_id: "owner-1" },
        headers: { "access-token": "act.x", "content-type": "application/json" }
      })
    )).pipe(Effect.flatMap((r) => r.json), Effect.scoped)

describe.each(transports)("sandbox server (real socket), over $name", ({ http }) => {
  const Live = Layer.mergeAll(SandboxServer.layer({ quota: 3, lenient: true }), http)

  it.live("serves the wire format and the admin operations over HTTP", () =>
    Effect.gen(function*() {
      const url = yield* SandboxServer.url
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
      expect(yield* count(url)).toMatchObject({ data: { error_code: 0 }, left_count: 3 })

      const admin = yield* FanGroupSandbox.makeRemote(url)
      yield* admin.setQuota("owner-1", 1)
      expect(yield* count(url)).toMatchObject({ left_count: 1 })
      yield* admin.inject(FanGroupSandbox.busy())
      expect(yield* count(url)).toMatchObject({ data: { error_code: 2100004 } })
      const missing = yield* Effect.flip(admin.applyToJoin({ groupId: "@nope==" }))
      expect(missing._tag).toBe("SandboxAdminError")
      expect(missing.description).toContain("does not exist")
      const code = yield* admin.authorize({ openId: "owner-1" })
      expect(code).toMatch(/^sandbox-code-/)
      expect((yield* admin.snapshot).quota).toEqual({ "owner-1": 1 })
    }).pipe(Effect.provide(Live)))

  it.live("drops the connection after reading the request: the client sees a transport error, the server saw one request", () =>
    Effect.gen(function*() {
      const url = yield* SandboxServer.url
      const sandbox = yield* FanGroupSandbox.FanGroupSandbox
      yield* sandbox.inject(FanGroupSandbox.dropConnection())
      const error = yield* Effect.flip(count(url))
      expect(error._tag).toBe("RequestError")
      expect((yield* sandbox.requests).length).toBe(1)
      // The server keeps serving afterwards.
      expect(yield* count(url)).toMatchObject({ data: { error_code: 0 } })
    }).pipe(Effect.provide(Live)))
})
