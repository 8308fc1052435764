import { HttpClientRequest } from "@effect/platform"
import { describe, expect, it } from "@effect/vitest"
import { Duration, Effect, Fiber, Redacted, TestClock } from "effect"
import { FanGroupSandbox } from "../src/index.js"

// Wire-level rules of the emulator, spoken to with a bare HttpClient (the sandbox's own,
// `SandboxHttpClient`; no SDK services).

const base = "https://open.douyin.com"
const token = "act.wire-test"

const call = (
  method: "GET" | "POST",
  path: string,
  options: {
    readonly openId?: string
    readonly query?: Record<string, string>
    readonly body?: unknown
    readonly token?: string | null
    readonly contentType?: string
  } = {}
) =>
  Effect.gen(function*() {
    const http = yield* FanGroupSandbox.SandboxHttpClient
    let request = HttpClientRequest.make(method)(base + path, {
      urlParams: {
        ...(options.openId === undefined ? { open_id: "owner-1" } : options.openId === "" ? {} : { open_id: options.openId }),
        ...options.query
      }
    })
    if (options.body !== undefined) request = HttpClientRequest.bodyUnsafeJson(request, options.body)
    request = HttpClientRequest.setHeader(request, "content-type", options.contentType ?? "application/json")
    if (options.token !== null) request = HttpClientRequest.setHeader(request, "access-token", options.token ?? token)
    const response = yield* http.execute(request)
    return { status: response.status, json: (yield* response.json) as any }
  })

const createBody = (name = "fans") => ({ group_name: name, description: "d", avatar_uri: "https://a/x.png" })

const provide = <A, E>(
  effect: Effect.Effect<A, E, FanGroupSandbox.SandboxHttpClient | FanGroupSandbox.FanGroupSandbox>,
  options?: FanGroupSandbox.Options
) => Effect.provide(effect, FanGroupSandbox.layerClient({ lenient: true, ...options }))

describe("FanGroupSandbox wire format", () => {
  it.effect("count, create and list answer envelope A with the sample shapes; quota decreases", () =>
    provide(
      Effect.gen(function*() {
        const before = yield* call("GET", "/im/group/count/")
        expect(before.status).toBe(200)
        expect(before.json.data).toEqual({ error_code: 0, description: "" })
        expect(Object.keys(before.json.extra).sort()).toEqual(
          ["description", "error_code", "logid", "now", "sub_description", "sub_error_code"]
        )
        expect(before.json.extra.logid).toMatch(/^\d{14}SANDBOX\d{13}$/)
        expect(before.json.left_count).toBe(2)

        const created = yield* call("POST", "/im/group/fans/create/", { body: { ...createBody(), group_type: 5, fans_limit: 3 } })
        expect(created.json.group_id).toMatch(/^@.+==$/)
        expect((yield* call("GET", "/im/group/count/")).json.left_count).toBe(1)

        const listed = yield* call("GET", "/im/group/fans/list/")
        expect(listed.json.group_list).toEqual([{
          exist_num: 1,
          group_name: "fans",
          max_num: 500,
          description: "d",
          entry_limit: ["万粉", "粉丝团3级及以上"],
          group_id: created.json.group_id,
          status: "Normal",
          tags: null,
          avatar_uri: "https://a/x.png",
          group_type: 5
        }])
        // Another owner sees none of them.
        expect((yield* call("GET", "/im/group/fans/list/", { openId: "owner-2" })).json.group_list).toEqual([])
      }),
      { quota: 2 }
    ))

  it.effect("a spent quota answers 2190001 in envelope A (log_id spelling of the error sample)", () =>
    provide(
      Effect.gen(function*() {
        yield* call("POST", "/im/group/fans/create/", { body: createBody() })
        const spent = yield* call("POST", "/im/group/fans/create/", { body: createBody() })
        expect(spent.json.data.error_code).toBe(2190001)
        expect(spent.json.extra.error_code).toBe(2190001)
        expect(typeof spent.json.extra.log_id).toBe("string")
        expect(spent.json.group_id).toBeUndefined()
      }),
      { quota: 1 }
    ))

  it.effect("bad parameters answer 2100005 and change nothing", () =>
    provide(Effect.gen(function*() {
      const missing = yield* call("POST", "/im/group/fans/create/", { body: { group_name: "x" } })
      expect(missing.json.data.error_code).toBe(2100005)
      const badType = yield* call("POST", "/im/group/fans/create/", { body: { ...createBody(), group_type: 3 } })
      expect(badType.json.data.error_code).toBe(2100005)
      const noOpenId = yield* call("GET", "/im/group/count/", { openId: "" })
      expect(noOpenId.json.data.error_code).toBe(2100005)
      const charset = yield* call("GET", "/im/group/count/", { contentType: "text/plain" })
      expect(charset.json.data.error_code).toBe(2100005)
      const sandbox = yield* FanGroupSandbox.FanGroupSandbox
      expect((yield* sandbox.snapshot).groups).toEqual([])
    })))

  it.effect("send: unique ids; all-variant content (the Go client's bug) is rejected; unknown group 2100005, foreign group 2100007", () =>
    provide(Effect.gen(function*() {
      const { json: { group_id } } = yield* call("POST", "/im/group/fans/create/", { body: createBody() })
      const text = { msg_type: 1, text: { text: "hi" } }
      const a = yield* call("POST", "/im/send/msg/group/", { body: { group_id, content: text } })
      const b = yield* call("POST", "/im/send/msg/group/", { body: { group_id, content: text } })
      expect(a.json.msg_id).not.toBe(b.json.msg_id)
      const allVariants = yield* call("POST", "/im/send/msg/group/", {
        body: { group_id, content: { ...text, image: { media_id: "" }, video: { item_id: "" } } }
      })
      expect(allVariants.json.data.error_code).toBe(2100005)
      const unknown = yield* call("POST", "/im/send/msg/group/", { body: { group_id: "@nope==", content: text } })
      expect(unknown.json.data.error_code).toBe(2100005)
      const foreign = yield* call("POST", "/im/send/msg/group/", { openId: "owner-2", body: { group_id, content: text } })
      expect(foreign.json.data.error_code).toBe(2100007)
    })))

  it.effect("recall answers envelope B; conversation_type must be 2; an unknown message is 2100005; recall converges", () =>
    provide(Effect.gen(function*() {
      const { json: { group_id } } = yield* call("POST", "/im/group/fans/create/", { body: createBody() })
      const { json: { msg_id } } = yield* call("POST", "/im/send/msg/group/", {
        body: { group_id, content: { msg_type: 1, text: { text: "oops" } } }
      })
      const wrongType = yield* call("POST", "/im/recall/msg/", { body: { msg_id, conversation_id: group_id, conversation_type: 1 } })
      expect(wrongType.json.err_no).toBe(2100005)
      const unknown = yield* call("POST", "/im/recall/msg/", { body: { msg_id: "@x==", conversation_id: group_id, conversation_type: 2 } })
      expect(unknown.json.err_no).toBe(2100005)
      const ok = yield* call("POST", "/im/recall/msg/", { body: { msg_id, conversation_id: group_id, conversation_type: 2 } })
      expect(Object.keys(ok.json).sort()).toEqual(["err_msg", "err_no", "log_id"])
      expect(ok.json.err_no).toBe(0)
      const again = yield* call("POST", "/im/recall/msg/", { body: { msg_id, conversation_id: group_id, conversation_type: 2 } })
      expect(again.json.err_no).toBe(0)
      const sandbox = yield* FanGroupSandbox.FanGroupSandbox
      expect((yield* sandbox.snapshot).messages.map((m) => m.recalled)).toEqual([true])
    })))

  it.effect("settings are kept per group and type; set/disable answer envelope B", () =>
    provide(Effect.gen(function*() {
      const { json: { group_id } } = yield* call("POST", "/im/group/fans/create/", { body: createBody() })
      const msg_list = [{ msg_type: 1, text: { text: "welcome" } }]
      expect((yield* call("POST", "/im/group/setting/set/", { body: { group_id, group_setting_type: 1, msg_list } })).json.err_no).toBe(0)
      expect((yield* call("POST", "/im/group/setting/set/", { body: { group_id, group_setting_type: 2, msg_list } })).json.err_no).toBe(0)
      expect((yield* call("POST", "/im/group/setting/set/", { body: { group_id, group_setting_type: 3, msg_list } })).json.err_no).toBe(
        2100005
      )
      const image = [{ msg_type: 2, image: { media_id: "m" } }]
      expect((yield* call("POST", "/im/group/setting/set/", { body: { group_id, group_setting_type: 1, msg_list: image } })).json.err_no)
        .toBe(2100005)
      expect((yield* call("POST", "/im/group/setting/disable/", { body: { group_id, group_setting_type: 1 } })).json.err_no).toBe(0)
      const sandbox = yield* FanGroupSandbox.FanGroupSandbox
      const settings = (yield* sandbox.snapshot).settings
      expect(settings.map((s) => [s.settingType, s.enabled]).sort()).toEqual([[1, false], [2, true]])
    })))

  it.effect("applications: listed with a cursor, reviewed once; a different decision later is an error", () =>
    provide(Effect.gen(function*() {
      const sandbox = yield* FanGroupSandbox.FanGroupSandbox
      const { json: { group_id } } = yield* call("POST", "/im/group/fans/create/", { body: { ...createBody(), open_audit_switch: 1 } })
      const a1 = yield* sandbox.applyToJoin({ groupId: group_id, userId: "fan-1" })
      yield* sandbox.applyToJoin({ groupId: group_id, userId: "fan-2" })
      yield* sandbox.applyToJoin({ groupId: group_id, userId: "fan-3" })
      const page1 = yield* call("GET", "/im/group/enter/audit/get/", { query: { count: "2", cursor: "0" } })
      expect(page1.json.apply_list.has_more).toBe(true)
      expect(page1.json.apply_list.list.map((a: any) => a.user_id)).toEqual(["fan-1", "fan-2"])
      expect(Object.keys(page1.json.apply_list.list[0]).sort()).toEqual(["apply_id", "apply_status", "create_time", "group_id", "user_id"])
      const page2 = yield* call("GET", "/im/group/enter/audit/get/", {
        query: { count: "2", cursor: String(page1.json.apply_list.cursor) }
      })
      expect(page2.json.apply_list).toMatchObject({ has_more: false, cursor: 3 })
      expect((yield* call("GET", "/im/group/enter/audit/get/", { query: { count: "51" } })).json.data.error_code).toBe(2100005)

      const approve = yield* call("POST", "/im/group/enter/audit/set/", { body: { apply_id: a1.applyId, status: 2 } })
      expect(approve.json.success).toBe(true)
      expect((yield* call("POST", "/im/group/enter/audit/set/", { body: { apply_id: a1.applyId, status: 2 } })).json.success).toBe(true)
      const conflicting = yield* call("POST", "/im/group/enter/audit/set/", { body: { apply_id: a1.applyId, status: 3 } })
      expect(conflicting.json.data.error_code).toBe(2100005)
      expect((yield* call("POST", "/im/group/enter/audit/set/", { body: { apply_id: a1.applyId, status: 4 } })).json.data.error_code).toBe(
        2100005
      )
      const group = (yield* call("GET", "/im/group/fans/list/")).json.group_list[0]
      expect(group.exist_num).toBe(2)
    })))

  it.effect("tokens: missing 2190002, registered per open_id, mismatch 2190015, expiry 2190008 on the clock", () =>
    provide(Effect.gen(function*() {
      const sandbox = yield* FanGroupSandbox.FanGroupSandbox
      expect((yield* call("GET", "/im/group/count/", { token: null })).json.data.error_code).toBe(2190002)
      // Default: any non-empty token.
      expect((yield* call("GET", "/im/group/count/", { token: "anything" })).json.data.error_code).toBe(0)
      yield* sandbox.registerToken({ openId: "owner-1", token: Redacted.make("act.one"), expiresIn: "1 hour" })
      expect((yield* call("GET", "/im/group/count/", { token: "anything" })).json.data.error_code).toBe(2190002)
      expect((yield* call("GET", "/im/group/count/", { token: "act.one" })).json.data.error_code).toBe(0)
      expect((yield* call("GET", "/im/group/count/", { token: "act.one", openId: "owner-2" })).json.data.error_code).toBe(2190015)
      yield* TestClock.adjust("1 hour")
      expect((yield* call("GET", "/im/group/count/", { token: "act.one" })).json.data.error_code).toBe(2190008)
    })))

  it.effect("OAuth: code → token (envelope C), the token works, refresh keeps a live token and replaces an expired one", () =>
    provide(Effect.gen(function*() {
      const sandbox = yield* FanGroupSandbox.FanGroupSandbox
      const http = yield* FanGroupSandbox.SandboxHttpClient
      const oauth = (path: string, form: Record<string, string>) =>
        Effect.flatMap(
          http.execute(HttpClientRequest.bodyUrlParams(HttpClientRequest.post(base + path), form)),
          (r) => r.json
        ) as Effect.Effect<any, any>
      const code = yield* sandbox.authorize({ openId: "owner-9" })
      const issued = yield* oauth("/oauth/access_token/", {
        client_key: FanGroupSandbox.defaultClientKey,
        client_secret: FanGroupSandbox.defaultClientSecret,
        code,
        grant_type: "authorization_code"
      })
      expect(issued.message).toBe("success")
      expect(issued.data).toMatchObject({ error_code: 0, open_id: "owner-9", expires_in: 1296000, refresh_expires_in: 2592000 })
      const reused = yield* oauth("/oauth/access_token/", {
        client_key: FanGroupSandbox.defaultClientKey,
        client_secret: FanGroupSandbox.defaultClientSecret,
        code,
        grant_type: "authorization_code"
      })
      expect(reused.data.error_code).toBe(10007)
      expect((yield* call("GET", "/im/group/count/", { openId: "owner-9", token: issued.data.access_token })).json.data.error_code).toBe(0)

      const refresh = {
        client_key: FanGroupSandbox.defaultClientKey,
        grant_type: "refresh_token",
        refresh_token: issued.data.refresh_token
      }
      expect((yield* oauth("/oauth/refresh_token/", refresh)).data.access_token).toBe(issued.data.access_token)
      yield* sandbox.expireTokens("owner-9")
      expect((yield* call("GET", "/im/group/count/", { openId: "owner-9", token: issued.data.access_token })).json.data.error_code).toBe(
        2190008
      )
      const renewed = yield* oauth("/oauth/refresh_token/", refresh)
      expect(renewed.data.access_token).not.toBe(issued.data.access_token)
      expect((yield* call("GET", "/im/group/count/", { openId: "owner-9", token: renewed.data.access_token })).json.data.error_code).toBe(0)
    })))

  it.effect("faults: busy N times, token expired, 502 page, drop (executed), latency on the clock", () =>
    provide(Effect.gen(function*() {
      const sandbox = yield* FanGroupSandbox.FanGroupSandbox
      yield* sandbox.inject(FanGroupSandbox.busy({ times: 2, route: "GET /im/group/count/" }))
      expect((yield* call("GET", "/im/group/fans/list/")).json.data.error_code).toBe(0)
      expect((yield* call("GET", "/im/group/count/")).json.data.error_code).toBe(2100004)
      expect((yield* call("GET", "/im/group/count/")).json.data.error_code).toBe(2100004)
      expect((yield* call("GET", "/im/group/count/")).json.data.error_code).toBe(0)

      yield* sandbox.inject(FanGroupSandbox.tokenExpired())
      expect((yield* call("GET", "/im/group/count/")).json.data.error_code).toBe(2190008)

      yield* sandbox.inject(FanGroupSandbox.httpStatus(502))
      const http = yield* FanGroupSandbox.SandboxHttpClient
      const page = yield* http.get(`${base}/im/group/count/?open_id=owner-1`)
      expect(page.status).toBe(502)
      expect(yield* page.text).toContain("502 Bad Gateway")
      expect(page.headers["retry-after"]).toBeUndefined()
      yield* sandbox.inject(FanGroupSandbox.httpStatus(503, { retryAfter: "2 seconds" }))
      const unavailable = yield* http.get(`${base}/im/group/count/?open_id=owner-1`)
      expect([unavailable.status, unavailable.headers["retry-after"]]).toEqual([503, "2"])

      yield* sandbox.inject(FanGroupSandbox.dropConnection({ route: "/im/group/fans/create/" }))
      const dropped = yield* Effect.flip(call("POST", "/im/group/fans/create/", { body: createBody() }))
      expect(dropped._tag).toBe("RequestError")
      expect((yield* sandbox.snapshot).groups).toHaveLength(1) // it took effect before the drop

      yield* sandbox.inject(FanGroupSandbox.latency("3 seconds", { times: 1 }))
      const fiber = yield* Effect.fork(call("GET", "/im/group/count/"))
      yield* TestClock.adjust(Duration.seconds(2))
      expect(fiber.unsafePoll()).toBeNull()
      yield* TestClock.adjust(Duration.seconds(1))
      expect((yield* Fiber.join(fiber)).json.left_count).toBe(4)

      const seen = yield* sandbox.requests
      expect(seen.length).toBe(9)
      expect(JSON.stringify(seen)).not.toContain(token)
    })))

  it.effect("unknown paths answer 404 without an envelope", () =>
    provide(Effect.gen(function*() {
      const http = yield* FanGroupSandbox.SandboxHttpClient
      expect((yield* http.get(`${base}/im/group/fans/count/?open_id=o`)).status).toBe(404)
    })))
})
