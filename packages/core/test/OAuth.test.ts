import { describe, expect, expectTypeOf, it } from "@effect/vitest"
import { Duration, Effect, Layer, Logger, LogLevel, Option, Redacted } from "effect"
import { DouyinConfig, DouyinTest, OAuth } from "../src/index.js"
import { clientKey, clientSecret, credentials, form, oauthError, recordingTracer } from "./tokenFixtures.js"

const oauthLayer = (responder: DouyinTest.Responder) =>
  OAuth.layer(credentials).pipe(
    Layer.provideMerge(DouyinTest.layer(responder)),
    Layer.provide(DouyinConfig.layer({ baseUrl: "https://oauth.test/" }))
  )

// Sample 10 of docs/wire.md#recorded-samples (access_token), verbatim.
const sample10 = {
  data: {
    access_token: "act.f7094fbffab2ecbfc45e9af9c32bc241oYdckvBKe82BPx8T******",
    captcha: "",
    desc_url: "",
    description: "",
    error_code: 0,
    expires_in: 1296000,
    log_id: "20230525105733ED3ED7AC56A******",
    open_id: "b9b71865-7fea-44cc-******",
    refresh_expires_in: 2592000,
    refresh_token: "rft.713900b74edde9f30ec4e246b706da30t******",
    scope: "user_info"
  },
  message: "success"
}

// Sample 9 of docs/wire.md#recorded-samples (client_token), verbatim.
const sample9 = {
  data: {
    access_token: "clt.75c380db41e815978a733994d96f5d23RqilUxH48iobyWhbIOQFo******",
    description: "",
    error_code: 0,
    expires_in: 7200
  },
  message: "success"
}

const stringNumbers = (body: { data: Record<string, unknown>; message: string }) => ({
  ...body,
  data: Object.fromEntries(
    Object.entries(body.data).map(([k, v]) => [k, typeof v === "number" ? String(v) : v])
  )
})

describe("OAuth wire shapes", () => {
  it.effect("access_token: POST form client_key, client_secret, code, grant_type=authorization_code", () =>
    Effect.gen(function*() {
      const oauth = yield* OAuth.OAuth
      yield* oauth.accessToken("code-123")
      const [request] = yield* DouyinTest.requests
      expect(request.method).toBe("POST")
      expect(request.url).toBe("https://oauth.test/oauth/access_token/")
      expect(request.headers["content-type"]).toBe("application/x-www-form-urlencoded")
      expect(request.headers["access-token"]).toBeUndefined()
      expect(form(request)).toEqual({
        client_key: clientKey,
        client_secret: clientSecret,
        code: "code-123",
        grant_type: "authorization_code"
      })
    }).pipe(Effect.provide(oauthLayer([DouyinTest.json(sample10)]))))

  it.effect("refresh_token: POST form client_key, grant_type=refresh_token, refresh_token and no secret", () =>
    Effect.gen(function*() {
      const oauth = yield* OAuth.OAuth
      yield* oauth.refreshToken(Redacted.make("rft.old"))
      const [request] = yield* DouyinTest.requests
      expect(request.method).toBe("POST")
      expect(request.path).toBe("/oauth/refresh_token/")
      expect(request.headers["content-type"]).toBe("application/x-www-form-urlencoded")
      expect(form(request)).toEqual({ client_key: clientKey, grant_type: "refresh_token", refresh_token: "rft.old" })
      expect(request.bodyText).not.toContain(clientSecret)
    }).pipe(Effect.provide(oauthLayer([DouyinTest.json(sample10)]))))

  it.effect("renew_refresh_token: POST form client_key, refresh_token", () =>
    Effect.gen(function*() {
      const oauth = yield* OAuth.OAuth
      const renewed = yield* oauth.renewRefreshToken(Redacted.make("rft.old"))
      const [request] = yield* DouyinTest.requests
      expect(request.method).toBe("POST")
      expect(request.path).toBe("/oauth/renew_refresh_token/")
      expect(request.headers["content-type"]).toBe("application/x-www-form-urlencoded")
      expect(form(request)).toEqual({ client_key: clientKey, refresh_token: "rft.old" })
      expect(Redacted.value(renewed.refreshToken)).toBe("rft.renewed")
      expect(Duration.toSeconds(renewed.expiresIn)).toBe(2592000)
    }).pipe(Effect.provide(oauthLayer([
      DouyinTest.json({
        data: { refresh_token: "rft.renewed", expires_in: "2592000", error_code: "0", description: "" },
        message: "success"
      })
    ]))))

  it.effect("client_token: POST JSON client_key, client_secret, grant_type=client_credential", () =>
    Effect.gen(function*() {
      const oauth = yield* OAuth.OAuth
      yield* oauth.clientToken
      const [request] = yield* DouyinTest.requests
      expect(request.method).toBe("POST")
      expect(request.path).toBe("/oauth/client_token/")
      expect(request.headers["content-type"]).toBe("application/json")
      expect(request.body).toEqual({ client_key: clientKey, client_secret: clientSecret, grant_type: "client_credential" })
    }).pipe(Effect.provide(oauthLayer([DouyinTest.json(sample9)]))))
})

describe("OAuth decoding", () => {
  for (const [name, body] of [["numbers", sample10], ["numbers as strings", stringNumbers(sample10)]] as const) {
    it.effect(`sample 10 (access_token) with ${name}`, () =>
      Effect.gen(function*() {
        const token = yield* (yield* OAuth.OAuth).accessToken("code")
        expect(Redacted.value(token.accessToken)).toBe(sample10.data.access_token)
        expect(Redacted.value(token.refreshToken)).toBe(sample10.data.refresh_token)
        expect(token.openId).toBe(sample10.data.open_id)
        expect(Duration.toSeconds(token.expiresIn)).toBe(1296000)
        expect(Duration.toSeconds(token.refreshExpiresIn)).toBe(2592000)
        expect(token.scope).toEqual(["user_info"])
        expect(token.logId).toEqual(Option.some(sample10.data.log_id))
        // Tokens stay redacted when printed or serialised.
        const printed = `${String(token.accessToken)} ${JSON.stringify(token)}`
        expect(printed).not.toContain("act.")
        expect(printed).not.toContain("rft.")
      }).pipe(Effect.provide(oauthLayer([DouyinTest.json(body)]))))

    it.effect(`the refresh answer (same fields) with ${name}: the same UserToken as the code exchange`, () =>
      Effect.gen(function*() {
        const oauth = yield* OAuth.OAuth
        const exchanged = yield* oauth.accessToken("code")
        const refreshed = yield* oauth.refreshToken(Redacted.make("rft.sent"))
        const plain = (token: OAuth.UserToken) => ({
          ...token,
          accessToken: Redacted.value(token.accessToken),
          refreshToken: Redacted.value(token.refreshToken)
        })
        expect(plain(refreshed)).toEqual(plain(exchanged))
        expect(refreshed.openId).toBe(sample10.data.open_id)
        expect(Redacted.value(refreshed.refreshToken)).toBe(sample10.data.refresh_token)
        expect(Duration.toSeconds(refreshed.refreshExpiresIn)).toBe(2592000)
      }).pipe(Effect.provide(oauthLayer([DouyinTest.json(body), DouyinTest.json(body)]))))
  }

  it("the code exchange and the refresh have one result type", () => {
    type Exchanged = Effect.Effect.Success<ReturnType<OAuth.Service["accessToken"]>>
    type Refreshed = Effect.Effect.Success<ReturnType<OAuth.Service["refreshToken"]>>
    expectTypeOf<Refreshed>().toEqualTypeOf<OAuth.UserToken>()
    expectTypeOf<Exchanged>().toEqualTypeOf<Refreshed>()
    expectTypeOf<Refreshed["openId"]>().toEqualTypeOf<string>()
    expectTypeOf<Refreshed["refreshExpiresIn"]>().toEqualTypeOf<Duration.Duration>()
  })

  const missing = ["open_id", "refresh_token", "refresh_expires_in"] as const
  it.effect.each(missing)(
    "a refresh answer without %s fails as the exchange's would: a DouyinDecodeError naming it",
    (field) =>
      Effect.gen(function*() {
        const oauth = yield* OAuth.OAuth
        const exchange = yield* Effect.flip(oauth.accessToken("code"))
        const refresh = yield* Effect.flip(oauth.refreshToken(Redacted.make("rft.sent")))
        for (const error of [exchange, refresh]) {
          expect(error._tag).toBe("DouyinDecodeError")
          expect(error.message).toContain(`data.${field}: missing`)
          expect(error.message).not.toContain("act.f7094")
          expect(error.message).not.toContain("rft.713900")
        }
      }).pipe(Effect.provide(oauthLayer(() =>
        DouyinTest.json({
          ...sample10,
          data: Object.fromEntries(Object.entries(sample10.data).filter(([k]) => k !== field))
        })
      )))
  )

  for (const [name, body] of [["numbers", sample9], ["numbers as strings", stringNumbers(sample9)]] as const) {
    it.effect(`sample 9 (client_token) with ${name}`, () =>
      Effect.gen(function*() {
        const token = yield* (yield* OAuth.OAuth).clientToken
        expect(Redacted.value(token.accessToken)).toBe(sample9.data.access_token)
        expect(Duration.toSeconds(token.expiresIn)).toBe(7200)
        expect(token.logId).toEqual(Option.none())
      }).pipe(Effect.provide(oauthLayer([DouyinTest.json(body)]))))
  }
})

describe("OAuth errors", () => {
  const cases = [
    [10010, "DouyinAuthError", "refreshToken"],
    [10008, "DouyinAuthError", "refreshToken"],
    [10020, "DouyinQuotaError", "renewRefreshToken"],
    [10004, "DouyinPermissionError", "renewRefreshToken"],
    [10013, "DouyinAuthError", "clientToken"],
    [10001, "DouyinBusyError", "clientToken"],
    [10007, "DouyinAuthError", "accessToken"]
  ] as const
  for (const [code, tag, method] of cases) {
    it.effect(`${method}: code ${code} → ${tag} with code and logid`, () =>
      Effect.gen(function*() {
        const oauth = yield* OAuth.OAuth
        const call: Effect.Effect<unknown, OAuth.OAuthError> = method === "clientToken"
          ? oauth.clientToken
          : method === "accessToken"
          ? oauth.accessToken("code")
          : method === "refreshToken"
          ? oauth.refreshToken(Redacted.make("rft.sent"))
          : oauth.renewRefreshToken(Redacted.make("rft.sent"))
        const error = yield* Effect.flip(call)
        expect(error._tag).toBe(tag)
        expect(error).toMatchObject({ code, logId: "2023OAUTHLOGID", endpoint: OAuth.EndpointIds[method] })
        expect(error.message).toContain(String(code))
        expect(error.message).toContain("2023OAUTHLOGID")
      }).pipe(Effect.provide(oauthLayer([oauthError(code)]))))
  }

  it.effect("error codes sent as strings are typed too", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip((yield* OAuth.OAuth).refreshToken(Redacted.make("rft.sent")))
      expect(error._tag).toBe("DouyinAuthError")
      expect(error).toMatchObject({ code: 10010 })
    }).pipe(Effect.provide(oauthLayer([
      DouyinTest.json({ data: { error_code: "10010", description: "refresh_token expired" }, message: "error" })
    ]))))
})

describe("OAuth keeps secrets out of errors, logs and spans", () => {
  it.effect("a decode failure names the failing fields, not their values", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip((yield* OAuth.OAuth).accessToken("code"))
      expect(error._tag).toBe("DouyinDecodeError")
      expect(error.message).toContain("data.expires_in: invalid")
      expect(error.message).toContain("data.open_id: missing")
      expect(error.message).not.toContain("act.SECRET")
    }).pipe(Effect.provide(oauthLayer([
      DouyinTest.json({ data: { access_token: "act.SECRET", expires_in: "soon", error_code: 0 }, message: "success" })
    ]))))

  it.effect("a 5xx keeps its body for debugging, with secret fields blanked", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip((yield* OAuth.OAuth).accessToken("code-SECRET"))
      expect(error._tag).toBe("DouyinHttpError")
      expect(error.message).toContain("HTTP 502")
      expect(error.message).toContain("gateway says client_key=ck_test_app&client_secret=<redacted>&code=<redacted>")
    }).pipe(Effect.provide(oauthLayer([
      DouyinTest.text(502, `gateway says client_key=ck_test_app&client_secret=${clientSecret}&code=code-SECRET`)
    ]))))

  const leaks = (text: string) => [clientSecret, "rft.sent-secret", "act.SECRET", "code-SECRET"].filter((s) => text.includes(s))

  const bodies: ReadonlyArray<readonly [string, DouyinTest.Reply]> = [
    [
      "a 200 whose token fields fail the Schema",
      DouyinTest.json({
        data: { access_token: "act.SECRET", expires_in: "soon", error_code: 0 },
        message: "success"
      })
    ],
    ["a 200 with a token where the envelope wants an object", DouyinTest.json({ data: "act.SECRET", message: "success" })],
    ["malformed JSON holding a token", DouyinTest.text(200, "{\"data\":{\"access_token\":\"act.SECRET\"", "application/json")],
    ["a 500 echoing the request", DouyinTest.text(500, `client_secret=${clientSecret}&code=code-SECRET&refresh_token=rft.sent-secret`)],
    ["an error description echoing the token", oauthError(10008, "token act.SECRET rejected")]
  ]
  for (const [name, reply] of bodies) {
    it.effect(name, () =>
      Effect.gen(function*() {
        const { dump, tracer } = recordingTracer()
        const logs: Array<unknown> = []
        const oauth = yield* OAuth.OAuth
        const errors = yield* Effect.all([
          Effect.flip(oauth.accessToken("code-SECRET")),
          Effect.flip(oauth.refreshToken(Redacted.make("rft.sent-secret")))
        ]).pipe(
          Effect.withTracer(tracer),
          Effect.provide(Logger.replace(Logger.defaultLogger, Logger.make(({ message }) => logs.push(message)))),
          Logger.withMinimumLogLevel(LogLevel.All)
        )
        for (const error of errors) {
          const text = `${error.message} ${JSON.stringify(error)} ${String(error)}`
          expect(leaks(text)).toEqual([])
        }
        expect(leaks(dump())).toEqual([])
        expect(dump()).toContain("oauth/AccessToken")
        expect(logs.length).toBeGreaterThan(0)
        expect(leaks(JSON.stringify(logs))).toEqual([])
      }).pipe(Effect.provide(oauthLayer([reply]))))
  }
})
