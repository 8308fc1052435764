// The consent page at /platform/oauth/connect/, spoken to as a browser would (GET the page, POST
// its form), through the sandbox's `handle`: what it shows, where grant and deny send the
// browser, the code it issues (once, for its lifetime), and the error page for bad parameters.
import { describe, expect, it } from "@effect/vitest"
import { Effect, Redacted, TestClock } from "effect"
import { FanGroupSandbox } from "../src/index.js"

const path = "/platform/oauth/connect/"
const redirectUri = "https://app.example.com/oauth/callback?tenant=7"
const params = {
  client_key: "ck_app",
  response_type: "code",
  scope: "im.group_fans.create_list,im.group_message",
  optionalScope: "im.recall_message,1,im.message_card,0",
  redirect_uri: redirectUri,
  state: "v1.some.state"
}

const sandbox = FanGroupSandbox.make({ clientKey: "ck_app", clientSecret: Redacted.make("cs_app") })

const page = (s: FanGroupSandbox.Service, query: Record<string, string>) =>
  s.handle({ method: "GET", path, query, headers: {}, bodyText: "" })

const post = (s: FanGroupSandbox.Service, form: Record<string, string | ReadonlyArray<string>>) =>
  s.handle({
    method: "POST",
    path,
    query: {},
    headers: { "content-type": "application/x-www-form-urlencoded" },
    bodyText: new URLSearchParams(
      Object.entries(form).flatMap(([k, v]) => (typeof v === "string" ? [[k, v]] : v.map((x) => [k, x])))
    ).toString()
  })

const reply = (o: FanGroupSandbox.Outcome) => {
  if (o._tag !== "Reply") throw new Error("dropped")
  return o
}

const exchange = (s: FanGroupSandbox.Service, code: string) =>
  Effect.map(
    s.handle({
      method: "POST",
      path: "/oauth/access_token/",
      query: {},
      headers: { "content-type": "application/x-www-form-urlencoded" },
      bodyText: new URLSearchParams({ client_key: "ck_app", client_secret: "cs_app", code, grant_type: "authorization_code" })
        .toString()
    }),
    (o) => JSON.parse(reply(o).body).data
  )

describe("sandbox consent page", () => {
  it.scoped("GET shows the app, the scopes (optional ones with their tick) and the demo creators", () =>
    Effect.gen(function*() {
      const s = yield* sandbox
      const r = reply(yield* page(s, params))
      expect(r.status).toBe(200)
      expect(r.headers["content-type"]).toContain("text/html")
      expect(r.body).toContain(`<span id="client-key">ck_app</span>`)
      for (const scope of ["im.group_fans.create_list", "im.group_message"]) expect(r.body).toContain(`data-scope="${scope}"`)
      expect(r.body).toMatch(/value="im\.recall_message" checked/)
      expect(r.body).not.toMatch(/value="im\.message_card" checked/)
      for (const openId of ["creator-ana", "creator-ben", "creator-chen"]) expect(r.body).toContain(`value="${openId}"`)
    }))

  it.scoped("grant: 302 to redirect_uri with its own query kept, code and state appended; the code works once", () =>
    Effect.gen(function*() {
      const s = yield* sandbox
      const r = reply(yield* post(s, { ...params, open_id: "creator-ben", decision: "grant", grant_optional: ["im.recall_message"] }))
      expect(r.status).toBe(302)
      const location = new URL(r.headers["location"]!)
      expect(`${location.origin}${location.pathname}`).toBe("https://app.example.com/oauth/callback")
      expect(location.searchParams.get("tenant")).toBe("7")
      expect(location.searchParams.get("state")).toBe("v1.some.state")
      const code = location.searchParams.get("code")!
      const granted = yield* exchange(s, code)
      expect(granted).toMatchObject({ open_id: "creator-ben", scope: "im.group_fans.create_list,im.group_message,im.recall_message" })
      expect(yield* exchange(s, code)).toMatchObject({ error_code: 10007 })
      // A code never issued is a parameter error.
      expect(yield* exchange(s, "no-such-code")).toMatchObject({ error_code: 10002 })
    }))

  it.scoped("the code expires after authorizationCodeLifetime (10 minutes by default): 10007", () =>
    Effect.gen(function*() {
      const s = yield* sandbox
      const r = reply(yield* post(s, { ...params, open_id: "creator-ana", decision: "grant" }))
      yield* TestClock.adjust("10 minutes")
      expect(yield* exchange(s, new URL(r.headers["location"]!).searchParams.get("code")!)).toMatchObject({ error_code: 10007 })
    }))

  it.scoped("deny: 302 to redirect_uri with state only, no code", () =>
    Effect.gen(function*() {
      const s = yield* sandbox
      const r = reply(yield* post(s, { ...params, open_id: "creator-ana", decision: "deny" }))
      expect(r.status).toBe(302)
      const location = new URL(r.headers["location"]!)
      expect(location.searchParams.has("code")).toBe(false)
      expect(location.searchParams.get("state")).toBe("v1.some.state")
    }))

  it.scoped("bad parameters: an error page (400), never a redirect", () =>
    Effect.gen(function*() {
      const s = yield* sandbox
      const cases: ReadonlyArray<readonly [Record<string, string>, string]> = [
        [{ ...params, scope: "" }, "scope is required"],
        [{ ...params, redirect_uri: "javascript:alert(1)" }, "redirect_uri"],
        [{ ...params, redirect_uri: "" }, "redirect_uri"],
        [{ ...params, client_key: "another_app" }, "client_key invalid"],
        [{ ...params, response_type: "token" }, "response_type"],
        [{ ...params, optionalScope: "im.recall_message" }, "optionalScope"]
      ]
      for (const [query, text] of cases) {
        const r = reply(yield* page(s, query))
        expect(r.status).toBe(400)
        expect(r.headers["location"]).toBeUndefined()
        expect(r.body).toContain(text)
        const posted = reply(yield* post(s, { ...query, open_id: "creator-ana", decision: "grant" }))
        expect(posted.status).toBe(400)
        expect(posted.headers["location"]).toBeUndefined()
      }
      const unknown = reply(yield* post(s, { ...params, open_id: "creator-zed", decision: "grant" }))
      expect(unknown.status).toBe(400)
      expect(unknown.body).toContain("choose one of the creators")
    }))

  it.scoped("the page escapes what it echoes", () =>
    Effect.gen(function*() {
      const s = yield* sandbox
      const r = reply(yield* page(s, { ...params, state: `"><script>alert(1)</script>` }))
      expect(r.body).not.toContain("<script>alert(1)</script>")
      expect(r.body).toContain("&lt;script&gt;")
    }))
})
