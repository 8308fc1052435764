// The onboarding loop against a fake Douyin: start → consent URL with a fresh state; the
// callback checks the state, exchanges the code once, stores the tokens, and answers with a
// typed outcome. Plus the mounting type tests (HttpRouter, HttpApi) and the secret hygiene.
import { HttpApi, HttpApiBuilder, HttpApiEndpoint, HttpApiGroup, HttpRouter, HttpServerResponse } from "@effect/platform"
import type { HttpServerRequest } from "@effect/platform"
import { describe, expect, expectTypeOf, it } from "@effect/vitest"
import { Effect, Layer, Option, Redacted } from "effect"
import { DouyinConfig, type DouyinError, DouyinTest, OAuth, OAuthState, Onboarding, TokenStore } from "../src/index.js"
import { type CapturedSpan, layerCapture, spanText } from "./support/capture.js"
import { clientKey, clientSecret, credentials, form, oauthError, userTokenReply } from "./tokenFixtures.js"

const redirectUri = "https://app.example.com/oauth/callback?tenant=7"
const goodCode = "code-GOOD-never-logged-7c1e"
const expiredCode = "code-EXPIRED-never-logged-99ab"

// The fake Douyin: a code works once; an expired one is 10007.
const responder = () => {
  const used = new Set<string>()
  return (request: DouyinTest.RecordedRequest): DouyinTest.Reply => {
    if (request.path !== "/oauth/access_token/") return DouyinTest.text(404, "not found")
    const code = form(request).code
    if (code === goodCode && !used.has(code)) {
      used.add(code)
      return userTokenReply({ accessToken: "act.SECRET-access-1", openId: "creator-ana", refreshToken: "rft.SECRET-refresh-1" })
    }
    return oauthError(10007, "authorization code expired")
  }
}

const layer = (options: Partial<Onboarding.Options> = {}) =>
  Onboarding.layer({ redirectUri, scopes: ["im.group_fans.create_list", "im.group_message"], ...options }).pipe(
    Layer.provideMerge(OAuthState.layer({ key: Redacted.make("state-key-0123456789-0123456789-xx") })),
    Layer.provideMerge(OAuthState.layerNoncesMemory),
    Layer.provideMerge(TokenStore.layerMemory()),
    Layer.provideMerge(OAuth.layer(credentials)),
    Layer.provideMerge(DouyinTest.layer(responder())),
    Layer.provide(DouyinConfig.layer({ baseUrl: "http://127.0.0.1:9/" }))
  )

const stateOf = (url: string) => new URL(url).searchParams.get("state")!

describe("Onboarding: start and callback outcomes", () => {
  it.effect("grant: Authorized with open_id, scopes and context; tokens stored under client_key + open_id", () =>
    Effect.gen(function*() {
      const url = yield* Onboarding.start("user-17")
      const params = new URL(url).searchParams
      expect(url.startsWith("http://127.0.0.1:9/platform/oauth/connect/?")).toBe(true)
      expect(params.get("client_key")).toBe(clientKey)
      expect(params.get("scope")).toBe("im.group_fans.create_list,im.group_message")
      expect(params.get("redirect_uri")).toBe(redirectUri)
      const outcome = yield* Onboarding.complete({ code: goodCode, state: stateOf(url) })
      expect(outcome).toEqual({ _tag: "Authorized", openId: "creator-ana", scopes: ["user_info"], context: "user-17" })
      const entry = yield* (yield* TokenStore.TokenStore).get({ clientKey, openId: "creator-ana" })
      expect(Option.map(entry, (e) => Redacted.value(e.accessToken))).toEqual(Option.some("act.SECRET-access-1"))
      expect(yield* DouyinTest.requests).toHaveLength(1)
    }).pipe(Effect.provide(layer())))

  it.effect("deny (no code): Denied with the context, nothing exchanged or stored", () =>
    Effect.gen(function*() {
      const url = yield* Onboarding.start("user-18")
      expect(yield* Onboarding.complete({ state: stateOf(url) })).toEqual({ _tag: "Denied", context: "user-18" })
      expect(yield* DouyinTest.requests).toHaveLength(0)
      expect((yield* (yield* TokenStore.TokenStore).list(clientKey)).entries).toHaveLength(0)
    }).pipe(Effect.provide(layer())))

  it.effect("replayed state: StateInvalid replayed, the code is not sent again", () =>
    Effect.gen(function*() {
      const state = stateOf(yield* Onboarding.start())
      expect((yield* Onboarding.complete({ code: goodCode, state }))._tag).toBe("Authorized")
      expect(yield* Onboarding.complete({ code: goodCode, state })).toEqual({ _tag: "StateInvalid", reason: "replayed" })
      expect(yield* DouyinTest.requests).toHaveLength(1)
    }).pipe(Effect.provide(layer())))

  it.effect("forged, missing and foreign states: StateInvalid, nothing sent", () =>
    Effect.gen(function*() {
      const state = stateOf(yield* Onboarding.start())
      const forged = state.slice(0, -2) + (state.endsWith("AA") ? "BB" : "AA")
      expect(yield* Onboarding.complete({ code: goodCode, state: forged })).toEqual({ _tag: "StateInvalid", reason: "forged" })
      expect(yield* Onboarding.complete({ code: goodCode })).toEqual({ _tag: "StateInvalid", reason: "malformed" })
      expect(yield* DouyinTest.requests).toHaveLength(0)
    }).pipe(Effect.provide(layer())))

  it.effect("expired or used code (10007): CodeRejected with the context, nothing stored", () =>
    Effect.gen(function*() {
      const url = yield* Onboarding.start("user-19")
      expect(yield* Onboarding.complete({ code: expiredCode, state: stateOf(url) })).toEqual({
        _tag: "CodeRejected",
        code: 10007,
        context: "user-19"
      })
      expect((yield* (yield* TokenStore.TokenStore).list(clientKey)).entries).toHaveLength(0)
    }).pipe(Effect.provide(layer())))

  it.effect("bad options: an empty scope list or a non-http redirect is DouyinInvalidInput at start", () =>
    Effect.gen(function*() {
      const empty = yield* Effect.flip(Effect.provide(Onboarding.start(), layer({ scopes: [] })))
      expect(empty).toMatchObject({ _tag: "DouyinInvalidInput", endpoint: "oauth/Authorize" })
      const ftp = yield* Effect.flip(Effect.provide(Onboarding.start(), layer({ redirectUri: "ftp://x/cb" })))
      expect(ftp).toMatchObject({ _tag: "DouyinInvalidInput", description: expect.stringContaining("http(s)") })
      const long = yield* Effect.flip(Effect.provide(Onboarding.start("x".repeat(900)), layer()))
      expect(long).toMatchObject({ _tag: "DouyinInvalidInput", endpoint: "oauth/State" })
    }))

  it.effect("no code, token or secret in any log line, span or error of the whole loop", () => {
    const spans: Array<CapturedSpan> = []
    const lines: Array<string> = []
    return Effect.gen(function*() {
      const url = yield* Onboarding.start("ctx")
      const state = stateOf(url)
      yield* Onboarding.complete({ code: goodCode, state })
      yield* Onboarding.complete({ code: goodCode, state })
      yield* Onboarding.complete({ code: expiredCode, state: stateOf(yield* Onboarding.start()) })
      yield* Effect.log("done")
      const text = [...spans.map(spanText), ...lines].join("\n")
      expect(spans.map((s) => s.name)).toContain("Onboarding.complete")
      for (const secret of [goodCode, expiredCode, "act.SECRET-access-1", "rft.SECRET-refresh-1", clientSecret]) {
        expect(text).not.toContain(secret)
      }
    }).pipe(Effect.provide(layer()), Effect.provide(layerCapture(spans, lines)))
  })
})

describe("Onboarding: mounting (type tests, no casts)", () => {
  it("in an HttpRouter: the two routes need Onboarding and nothing else", () => {
    const router = HttpRouter.empty.pipe(
      HttpRouter.get("/oauth/start", Onboarding.startHandler()),
      HttpRouter.get(
        "/oauth/callback",
        Onboarding.callbackHandler((outcome) =>
          outcome._tag === "Authorized"
            ? HttpServerResponse.redirect(`/creators/${outcome.openId}`)
            : HttpServerResponse.text(outcome._tag, { status: 400 })
        )
      )
    )
    expectTypeOf(router).toEqualTypeOf<
      HttpRouter.HttpRouter<Onboarding.Failure | DouyinError.DouyinInvalidInput, Onboarding.Onboarding>
    >()
    const withContext = Onboarding.startHandler({ context: Effect.succeed("tenant-1") })
    expectTypeOf(withContext).toEqualTypeOf<
      Effect.Effect<HttpServerResponse.HttpServerResponse, DouyinError.DouyinInvalidInput, Onboarding.Onboarding>
    >()
    expectTypeOf(Onboarding.callbackHandler(() => HttpServerResponse.empty())).toEqualTypeOf<
      Effect.Effect<
        HttpServerResponse.HttpServerResponse,
        Onboarding.Failure,
        Onboarding.Onboarding | HttpServerRequest.HttpServerRequest
      >
    >()
    expect(router).toBeDefined()
  })

  it("in an HttpApi group: CallbackParams as URL params, Outcome as success, Failure as error", () => {
    class OAuthGroup extends HttpApiGroup.make("oauth").add(
      HttpApiEndpoint.get("callback", "/oauth/callback")
        .setUrlParams(Onboarding.CallbackParams)
        .addSuccess(Onboarding.Outcome)
        .addError(Onboarding.Failure, { status: 502 })
    ) {}
    class Api extends HttpApi.make("app").add(OAuthGroup) {}
    const handlers = HttpApiBuilder.group(Api, "oauth", (h) => h.handle("callback", ({ urlParams }) => Onboarding.complete(urlParams)))
    expectTypeOf(handlers).toEqualTypeOf<Layer.Layer<HttpApiGroup.ApiGroup<"app", "oauth">, never, Onboarding.Onboarding>>()
    expect(handlers).toBeDefined()
  })
})
