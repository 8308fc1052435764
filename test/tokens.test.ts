// Fault matrix rows 8 and 9 (docs/reliability.md#fault-matrix) for the store-backed token source, against a
// real node:http server on 127.0.0.1 (port 0) started by each test; once over the platform's
// node:http client and once over the SDK's fast client (DouyinHttpClient), which must agree.
import type * as ConfigError from "effect/ConfigError"
import { Endpoint } from "@effect-douyin/core"
import * as DouyinHttpClient from "@effect-douyin/core/DouyinHttpClient"
import type { HttpClient } from "@effect/platform"
import { NodeHttpClient } from "@effect/platform-node"
import { describe, expect, it } from "@effect/vitest"
import { Effect, type Layer } from "effect"
import { FanGroupQuota } from "@effect-douyin/group"
import { clientOver, storeTokens } from "./support/loopbackClient.js"
import * as Server from "./support/LoopbackServer.js"

/** A loopback server whose handler answers with a JSON body when it decides to (it may hold a reply). */
const serve = (handler: (request: Server.Received, reply: (body: unknown) => void) => void) =>
  Effect.map(
    Server.make((request) => Server.manual((answer) => handler(request, (body) => answer(Server.json(body))))),
    (server) => ({ baseUrl: server.url, seen: server.received })
  )

const Count = FanGroupQuota.descriptor

const clientKey = "ck_e2e"
const day = 24 * 60 * 60 * 1000

const live = (baseUrl: string, http: Layer.Layer<HttpClient.HttpClient, ConfigError.ConfigError>) =>
  clientOver(baseUrl, {
    http,
    tokens: storeTokens({
      clientKey,
      clientSecret: "cs_e2e_secret",
      tokens: [{ openId: "alice", accessToken: "act.alice.0", expiresAt: 15 * day, refreshToken: "rft.alice", refreshExpiresAt: 30 * day }]
    })
  })

const successA = { data: { error_code: 0, description: "" }, extra: { error_code: 0, logid: "E2ELOGID" }, left_count: 2 }
const expiredA = {
  data: { error_code: 2190008, description: "access_token expired" },
  extra: { error_code: 2190008, description: "access_token expired", logid: "E2EEXPIRED" }
}
const userToken = (accessToken: string) => ({
  data: {
    access_token: accessToken,
    expires_in: "1296000",
    open_id: "alice",
    refresh_token: "rft.alice",
    refresh_expires_in: "2592000",
    scope: "user_info",
    error_code: "0",
    description: ""
  },
  message: "success"
})

const count = Effect.flatMap(Endpoint.handler(Count), (call) => call({ openId: "alice" }))
const on = (seen: ReadonlyArray<Server.Received>, path: string) => seen.filter((r) => r.path === path)

const transports = [
  { name: "the platform's node:http client", http: NodeHttpClient.layer },
  { name: "the fast client (DouyinHttpClient)", http: DouyinHttpClient.layer() }
]

describe.each(transports)("fault matrix over loopback: tokens, over $name", ({ http }) => {
  it.scoped("row 8: token expired for 100 concurrent calls → exactly one refresh; all 100 succeed", () =>
    Effect.gen(function*() {
      let rejected = 0
      const held: Array<() => void> = []
      const { baseUrl, seen } = yield* serve((request, reply) => {
        if (request.path === "/oauth/refresh_token/") {
          // Answer the refresh only once all 100 calls were rejected with the old token.
          const answer = () => reply(userToken("act.alice.1"))
          if (rejected >= 100) answer()
          else held.push(answer)
          return
        }
        if (request.headers["access-token"] === "act.alice.1") return reply(successA)
        reply(expiredA)
        if (++rejected === 100) held.splice(0).forEach((answer) => answer())
      })
      const results = yield* Effect.all(Array.from({ length: 100 }, () => count), { concurrency: "unbounded" }).pipe(
        Effect.provide(live(baseUrl, http))
      )
      expect(results).toHaveLength(100)
      expect(results.every((r) => r.leftCount === 2)).toBe(true)
      const refreshes = on(seen, "/oauth/refresh_token/")
      expect(refreshes).toHaveLength(1)
      expect(refreshes[0].headers["content-type"]).toBe("application/x-www-form-urlencoded")
      expect(Object.fromEntries(new URLSearchParams(refreshes[0].body))).toEqual({
        client_key: clientKey,
        grant_type: "refresh_token",
        refresh_token: "rft.alice"
      })
      const counts = on(seen, "/im/group/count/")
      expect(counts.filter((r) => r.headers["access-token"] === "act.alice.0")).toHaveLength(100)
      expect(counts.filter((r) => r.headers["access-token"] === "act.alice.1")).toHaveLength(100)
    }), 30_000) // 200 loopback requests: about a second, more on a loaded 2-core machine

  it.scoped("row 9: refresh keeps returning an expired token → one refresh + one retry, then DouyinAuthError; no loop", () =>
    Effect.gen(function*() {
      let issued = 0
      const { baseUrl, seen } = yield* serve((request, reply) =>
        request.path === "/oauth/refresh_token/" ? reply(userToken(`act.alice.${++issued}`)) : reply(expiredA)
      )
      const error = yield* Effect.flip(count.pipe(Effect.provide(live(baseUrl, http))))
      expect(error._tag).toBe("DouyinAuthError")
      expect(error).toMatchObject({ code: 2190008, logId: "E2EEXPIRED", endpoint: "group/FanGroupQuota" })
      expect(on(seen, "/oauth/refresh_token/")).toHaveLength(1)
      expect(on(seen, "/im/group/count/").map((r) => r.headers["access-token"])).toEqual(["act.alice.0", "act.alice.1"])
    }))

  it.scoped("row 9 (variant): the refresh itself answers expired → one refresh, no retry, DouyinAuthError", () =>
    Effect.gen(function*() {
      const { baseUrl, seen } = yield* serve((request, reply) =>
        request.path === "/oauth/refresh_token/"
          ? reply({ data: { error_code: 10010, description: "refresh_token expired" }, message: "error" })
          : reply(expiredA)
      )
      const [error, again] = yield* Effect.all([Effect.flip(count), Effect.flip(count)]).pipe(
        Effect.provide(live(baseUrl, http))
      )
      expect(error).toMatchObject({ _tag: "DouyinAuthError", code: 10010, endpoint: "oauth/RefreshToken" })
      // The second call is rejected too, but the known-dead refresh token is not sent again.
      expect(again).toMatchObject({ _tag: "DouyinAuthError", code: 10010 })
      expect(on(seen, "/oauth/refresh_token/")).toHaveLength(1)
      expect(on(seen, "/im/group/count/")).toHaveLength(2)
    }))
})
