import { execFile } from "node:child_process"
import { describe, expect, it } from "@effect/vitest"
import type { HttpServer } from "@effect/platform"
import { Effect, Redacted } from "effect"
import { FanGroupSandbox } from "../src/index.js"
import * as SandboxServer from "../src/SandboxServer.js"

// "As strict as Douyin, no stricter": each rule over a real loopback socket, spoken to with a raw
// client (fetch, and curl where a default client's headers matter), never the SDK. Every test
// sends the wrong request and its correct control side by side.

interface Answer {
  readonly status: number
  readonly json: any
  readonly text: string
}

const raw = (url: string, init: RequestInit = {}): Effect.Effect<Answer> =>
  Effect.promise(async () => {
    const response = await fetch(url, init)
    const text = await response.text()
    let json: unknown = undefined
    try {
      json = JSON.parse(text)
    } catch {
      json = undefined
    }
    return { status: response.status, json, text }
  })

const form = (fields: Record<string, string>): RequestInit => ({
  method: "POST",
  headers: { "content-type": "application/x-www-form-urlencoded" },
  body: new URLSearchParams(fields).toString()
})

const json = (body: unknown, headers: Record<string, string> = {}): RequestInit => ({
  method: "POST",
  headers: { "content-type": "application/json", ...headers },
  body: JSON.stringify(body)
})

const clientKey = FanGroupSandbox.defaultClientKey
const clientSecret = FanGroupSandbox.defaultClientSecret

/** The sandbox server and a creator who authorized the app (code exchanged over the wire). */
const setup = Effect.gen(function*() {
  const url = yield* SandboxServer.url
  const sandbox = yield* FanGroupSandbox.FanGroupSandbox
  const code = yield* sandbox.authorize({ openId: "creator-1" })
  const issued = yield* raw(
    `${url}/oauth/access_token/`,
    form({ client_key: clientKey, client_secret: clientSecret, code, grant_type: "authorization_code" })
  )
  expect(issued.json.data.error_code).toBe(0)
  const token: string = issued.json.data.access_token
  const im = (path: string, init: RequestInit & { readonly openId?: string; readonly token?: string } = {}) =>
    raw(`${url}${path}?open_id=${init.openId ?? "creator-1"}`, {
      ...init,
      headers: { "access-token": init.token ?? token, ...(init.headers as Record<string, string> | undefined) }
    })
  return { url, sandbox, token, refreshToken: issued.json.data.refresh_token as string, im }
})

const createBody = { group_name: "fans", description: "d", avatar_uri: "https://a/x.png" }

const run = <A, E>(
  effect: Effect.Effect<A, E, FanGroupSandbox.FanGroupSandbox | HttpServer.HttpServer>,
  options: SandboxServer.Options = {}
) => Effect.provide(effect, SandboxServer.layer(options))

describe("sandbox fidelity (real socket, raw client)", () => {
  it.live("a token never issued for the open_id is refused (2190002); the issued token is accepted", () =>
    run(Effect.gen(function*() {
      const { im } = yield* setup
      const wrong = yield* im("/im/group/count/", { openId: "never-authorized", token: "act.anything" })
      expect(wrong.json.data.error_code).toBe(2190002)
      const foreign = yield* im("/im/group/count/", { openId: "never-authorized" })
      expect(foreign.json.data.error_code).toBe(2190015)
      const control = yield* im("/im/group/count/")
      expect(control.json.data.error_code).toBe(0)
    })))

  it.live("lenient mode is explicit: with `lenient: true` the same unknown token passes", () =>
    run(
      Effect.gen(function*() {
        const { im } = yield* setup
        const lenient = yield* im("/im/group/count/", { openId: "never-authorized", token: "act.anything" })
        expect(lenient.json.data.error_code).toBe(0)
      }),
      { lenient: true }
    ))

  it.live("OAuth checks the app's credentials: wrong client_key 10003, wrong client_secret 10013; the configured pair works", () =>
    run(
      Effect.gen(function*() {
        const url = yield* SandboxServer.url
        const sandbox = yield* FanGroupSandbox.FanGroupSandbox
        const code = yield* sandbox.authorize({ openId: "creator-1" })
        const exchange = (key: string, secret: string) =>
          raw(`${url}/oauth/access_token/`, form({ client_key: key, client_secret: secret, code, grant_type: "authorization_code" }))
        expect((yield* exchange("someone-else", "app-secret")).json.data.error_code).toBe(10003)
        expect((yield* exchange("app-key", "guess")).json.data.error_code).toBe(10013)
        const control = yield* exchange("app-key", "app-secret")
        expect(control.json).toMatchObject({ message: "success", data: { error_code: 0, open_id: "creator-1" } })
      }),
      { clientKey: "app-key", clientSecret: Redacted.make("app-secret") }
    ))

  it.live("OAuth credentials in the query string are refused (10002); the same fields in the body work", () =>
    run(Effect.gen(function*() {
      const url = yield* SandboxServer.url
      const sandbox = yield* FanGroupSandbox.FanGroupSandbox
      const code = yield* sandbox.authorize({ openId: "creator-1" })
      const fields = { client_key: clientKey, client_secret: clientSecret, code, grant_type: "authorization_code" }
      const wrong = yield* raw(`${url}/oauth/access_token/?${new URLSearchParams(fields)}`, form({}))
      expect(wrong.json.data.error_code).toBe(10002)
      const control = yield* raw(`${url}/oauth/access_token/`, form(fields))
      expect(control.json.data.error_code).toBe(0)
    })))

  it.live("a reused authorization code is 10007; its first use succeeds (form and JSON bodies both)", () =>
    run(Effect.gen(function*() {
      const url = yield* SandboxServer.url
      const sandbox = yield* FanGroupSandbox.FanGroupSandbox
      const code = yield* sandbox.authorize({ openId: "creator-1" })
      const fields = { client_key: clientKey, client_secret: clientSecret, code, grant_type: "authorization_code" }
      const control = yield* raw(`${url}/oauth/access_token/`, json(fields))
      expect(control.json.data.error_code).toBe(0)
      const reused = yield* raw(`${url}/oauth/access_token/`, form(fields))
      expect(reused.json.data.error_code).toBe(10007)
    })))

  it.live("refresh: a client_secret is refused (10002), a JSON body is refused (10002), an unknown refresh token is 10010; the documented form works", () =>
    run(Effect.gen(function*() {
      const { refreshToken, url } = yield* setup
      const fields = { client_key: clientKey, grant_type: "refresh_token", refresh_token: refreshToken }
      const withSecret = yield* raw(`${url}/oauth/refresh_token/`, form({ ...fields, client_secret: clientSecret }))
      expect(withSecret.json.data.error_code).toBe(10002)
      const asJson = yield* raw(`${url}/oauth/refresh_token/`, json(fields))
      expect(asJson.json.data.error_code).toBe(10002)
      const unknown = yield* raw(`${url}/oauth/refresh_token/`, form({ ...fields, refresh_token: "rft.never-issued" }))
      expect(unknown.json.data.error_code).toBe(10010)
      const control = yield* raw(`${url}/oauth/refresh_token/`, form(fields))
      expect(control.json.data.error_code).toBe(0)
    })))

  it.live("/oauth/client_token/ and /oauth/renew_refresh_token/ exist: wrong inputs refused, correct ones answered", () =>
    run(Effect.gen(function*() {
      const { refreshToken, url } = yield* setup
      const client = { client_key: clientKey, client_secret: clientSecret, grant_type: "client_credential" }
      expect((yield* raw(`${url}/oauth/client_token/`, json({ ...client, client_secret: "guess" }))).json.data.error_code).toBe(10013)
      const clt = yield* raw(`${url}/oauth/client_token/`, json(client))
      expect(clt.json.data).toMatchObject({ error_code: 0, expires_in: 7200 })
      expect(clt.json.data.access_token).toMatch(/^clt\./)

      const renew = { client_key: clientKey, refresh_token: refreshToken }
      expect((yield* raw(`${url}/oauth/renew_refresh_token/`, form({ ...renew, refresh_token: "rft.nope" }))).json.data.error_code).toBe(
        10010
      )
      const renewed = yield* raw(`${url}/oauth/renew_refresh_token/`, form(renew))
      expect(renewed.json.data.error_code).toBe(0)
      expect(renewed.json.data.refresh_token).toMatch(/^rft\./)
      expect(renewed.json.data.refresh_token).not.toBe(refreshToken)
    })))

  it.live("unknown or camelCase body fields are refused (2100005), not dropped; the snake_case field is honoured", () =>
    run(Effect.gen(function*() {
      const { im, sandbox } = yield* setup
      const camel = yield* im("/im/group/fans/create/", json({ ...createBody, openAuditSwitch: 1 }))
      expect(camel.json.data.error_code).toBe(2100005)
      expect((yield* sandbox.snapshot).groups).toHaveLength(0)
      const control = yield* im("/im/group/fans/create/", json({ ...createBody, open_audit_switch: 1 }))
      expect(control.json.data.error_code).toBe(0)
      const [group] = (yield* sandbox.snapshot).groups
      expect(group?.openAuditSwitch).toBe(true)
    })))

  it.live("send: an empty group_id beside group_token is refused (2100005); group_token alone is sent", () =>
    run(Effect.gen(function*() {
      const { im, sandbox } = yield* setup
      yield* im("/im/group/fans/create/", json(createBody))
      const [group] = (yield* sandbox.snapshot).groups
      const content = { msg_type: 1, text: { text: "hi" } }
      const wrong = yield* im("/im/send/msg/group/", json({ group_id: "", group_token: group!.groupToken, content }))
      expect(wrong.json.data.error_code).toBe(2100005)
      const control = yield* im("/im/send/msg/group/", json({ group_token: group!.groupToken, content }))
      expect(control.json.data.error_code).toBe(0)
      expect(control.json.msg_id).toMatch(/^@/)
    })))

  it.live("an applet_card with neither path nor schema is refused (2100005); with a schema it is kept", () =>
    run(Effect.gen(function*() {
      const { im, sandbox } = yield* setup
      const created = yield* im("/im/group/fans/create/", json(createBody))
      const card = { card_template_id: "@tpl", app_id: "tt123" }
      const setting = (applet: Record<string, string>) =>
        json({ group_id: created.json.group_id, group_setting_type: 1, msg_list: [{ msg_type: 10, applet_card: applet }] })
      const wrong = yield* im("/im/group/setting/set/", setting(card))
      expect(wrong.json.err_no).toBe(2100005)
      expect((yield* sandbox.snapshot).settings).toHaveLength(0)
      const control = yield* im("/im/group/setting/set/", setting({ ...card, schema: "https://z.douyin.com/x" }))
      expect(control.json.err_no).toBe(0)
      expect((yield* sandbox.snapshot).settings).toHaveLength(1)
    })))

  it.live("a 10 MB body is refused with HTTP 413 and not kept; a normal message is sent", () =>
    run(Effect.gen(function*() {
      const { im, sandbox } = yield* setup
      const created = yield* im("/im/group/fans/create/", json(createBody))
      const huge = yield* im(
        "/im/send/msg/group/",
        json({ group_id: created.json.group_id, content: { msg_type: 1, text: { text: "x".repeat(10 * 1024 * 1024) } } })
      )
      expect(huge.status).toBe(413)
      expect((yield* sandbox.snapshot).messages).toHaveLength(0)
      const control = yield* im(
        "/im/send/msg/group/",
        json({ group_id: created.json.group_id, content: { msg_type: 1, text: { text: "hi" } } })
      )
      expect(control.json.data.error_code).toBe(0)
      expect((yield* sandbox.snapshot).messages).toHaveLength(1)
    })))

  it.live("no stricter: a GET without content-type (curl's default) is answered; a POST whose body is not declared JSON is refused (2100005)", () =>
    run(Effect.gen(function*() {
      const { im, token, url } = yield* setup
      const curl = yield* Effect.async<string, Error>((resume) => {
        execFile(
          "curl",
          ["-s", "-H", `access-token: ${token}`, `${url}/im/group/count/?open_id=creator-1`],
          { timeout: 20_000 },
          (error, stdout) => resume(error ? Effect.fail(error) : Effect.succeed(stdout))
        )
      })
      expect(JSON.parse(curl)).toMatchObject({ data: { error_code: 0 }, left_count: 5 })
      const fetched = yield* im("/im/group/count/")
      expect(fetched.json.data.error_code).toBe(0)
      const post = yield* im("/im/group/fans/create/", { method: "POST", body: JSON.stringify(createBody) })
      expect(post.json.data.error_code).toBe(2100005)
      const control = yield* im("/im/group/fans/create/", json(createBody))
      expect(control.json.data.error_code).toBe(0)
    })))
})
