import { describe, expect, it } from "@effect/vitest"
import { Effect, Either, Layer } from "effect"
import { DouyinConfig, DouyinTest, OAuth } from "../src/index.js"
import { clientKey, credentials } from "./tokenFixtures.js"

const oauthLayer = OAuth.layer(credentials).pipe(
  Layer.provideMerge(DouyinTest.layer(() => DouyinTest.text(500, "no request expected"))),
  Layer.provide(DouyinConfig.layer({ baseUrl: "http://127.0.0.1:8787/" }))
)

const redirectUri = "https://app.example.com/oauth/callback?tenant=7&next=/groups"

describe("OAuth.authorizeUrl: every parameter of the consent page", () => {
  it("client_key, response_type, scope, optionalScope, redirect_uri, state, comment_id, in this order", () => {
    const url = Either.getOrThrow(OAuth.authorizeUrl({
      clientKey,
      redirectUri,
      state: "s.t=a te",
      scopes: ["im.group_fans.create_list", "im.group_message"],
      optionalScopes: [{ scope: "im.recall_message", checked: true }, { scope: "im.message_card", checked: false }],
      commentId: "note 1"
    }))
    const [base, query] = url.split("?")
    expect(base).toBe("https://open.douyin.com/platform/oauth/connect/")
    expect(query.split("&")).toEqual([
      `client_key=${clientKey}`,
      "response_type=code",
      // Commas separate scopes and are written as they are.
      "scope=im.group_fans.create_list,im.group_message",
      "optionalScope=im.recall_message,1,im.message_card,0",
      // The redirect URI's own query is encoded as a whole: ?, & and = do not leak out.
      "redirect_uri=https%3A%2F%2Fapp.example.com%2Foauth%2Fcallback%3Ftenant%3D7%26next%3D%2Fgroups",
      "state=s.t%3Da%20te",
      "comment_id=note%201"
    ])
    // A standard parser reads back exactly what was given.
    const parsed = new URL(url).searchParams
    expect(Object.fromEntries(parsed)).toEqual({
      client_key: clientKey,
      response_type: "code",
      scope: "im.group_fans.create_list,im.group_message",
      optionalScope: "im.recall_message,1,im.message_card,0",
      redirect_uri: redirectUri,
      state: "s.t=a te",
      comment_id: "note 1"
    })
    expect(new URL(parsed.get("redirect_uri")!).searchParams.get("next")).toBe("/groups")
  })

  it("optional parameters left out are absent; a repeated scope is asked once", () => {
    const url = Either.getOrThrow(OAuth.authorizeUrl({
      clientKey,
      redirectUri: "http://localhost:3000/cb",
      state: "x",
      scopes: ["im.group_message", "im.group_message"]
    }))
    expect([...new URL(url).searchParams.keys()]).toEqual(["client_key", "response_type", "scope", "redirect_uri", "state"])
    expect(new URL(url).searchParams.get("scope")).toBe("im.group_message")
  })

  it.effect("the service knows the client key and the configured base (a sandbox serves the page)", () =>
    Effect.gen(function*() {
      const oauth = yield* OAuth.OAuth
      const url = yield* oauth.authorizeUrl({ redirectUri, state: "x", scopes: ["im.group_message"] })
      expect(url.startsWith(`http://127.0.0.1:8787/platform/oauth/connect/?client_key=${clientKey}&`)).toBe(true)
      expect(yield* DouyinTest.requests).toHaveLength(0)
    }).pipe(Effect.provide(oauthLayer)))

  it.effect("scopes left out come from the OAuth.Scopes reference", () =>
    Effect.gen(function*() {
      const oauth = yield* OAuth.OAuth
      const url = yield* oauth.authorizeUrl({ redirectUri, state: "x" }).pipe(
        Effect.provideService(OAuth.Scopes, ["im.group_fans.create_list", "im.recall_message"])
      )
      expect(new URL(url).searchParams.get("scope")).toBe("im.group_fans.create_list,im.recall_message")
    }).pipe(Effect.provide(oauthLayer)))
})

describe("OAuth.authorizeUrl: bad input is a typed error and nothing is built or sent", () => {
  const base = { clientKey, redirectUri, state: "x", scopes: ["im.group_message"] }
  const cases: ReadonlyArray<readonly [string, Partial<OAuth.AuthorizeOptions>, string]> = [
    ["an empty redirectUri", { redirectUri: "" }, "redirectUri is empty"],
    ["a blank redirectUri", { redirectUri: "   " }, "redirectUri is empty"],
    ["a non-http redirectUri", { redirectUri: "ftp://app.example.com/cb" }, "absolute http(s) URL"],
    ["a javascript: redirectUri", { redirectUri: "javascript:alert(1)" }, "absolute http(s) URL"],
    ["a relative redirectUri", { redirectUri: "/oauth/callback" }, "absolute http(s) URL"],
    ["an empty scope list", { scopes: [] }, "scope list is empty"],
    ["a scope with a comma", { scopes: ["a,b"] }, "not a scope name"],
    ["an empty optional scope", { optionalScopes: [{ scope: "", checked: true }] }, "not a scope name"],
    ["an empty state", { state: "" }, "state is empty"],
    ["an over-long state", { state: "s".repeat(1025) }, "at most 1024"],
    ["an empty commentId", { commentId: "" }, "commentId is empty"]
  ]
  for (const [name, change, text] of cases) {
    it(name, () => {
      const result = OAuth.authorizeUrl({ ...base, ...change })
      expect(Either.isLeft(result)).toBe(true)
      if (Either.isLeft(result)) {
        expect(result.left._tag).toBe("DouyinInvalidInput")
        expect(result.left.endpoint).toBe("oauth/Authorize")
        expect(result.left.description).toContain(text)
      }
    })
  }

  it.effect("the service: no scopes anywhere → DouyinInvalidInput, no request", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip((yield* OAuth.OAuth).authorizeUrl({ redirectUri, state: "x" }))
      expect(error).toMatchObject({ _tag: "DouyinInvalidInput", endpoint: "oauth/Authorize" })
      expect(yield* DouyinTest.requests).toHaveLength(0)
    }).pipe(Effect.provide(oauthLayer)))
})
