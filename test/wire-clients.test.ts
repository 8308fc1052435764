/**
 * Wire conformance over the real clients: each of the nine fan-group endpoints, called with the
 * inputs of its own conformance test (packages/group/test) and answered with its recorded
 * sample (docs/wire.md#recorded-samples), through the in-process recording client (`DouyinTest`, the
 * reference the per-endpoint suites check against docs/wire.md), then over a real loopback
 * socket (127.0.0.1, port 0) with the platform's undici client and with the SDK's fast client.
 * What reaches the server (method, path, query, the two headers, the JSON body) and what the
 * caller gets back must be the same over all three.
 */
import type * as ConfigError from "effect/ConfigError"
import type { HttpClient } from "@effect/platform"
import { NodeHttpClient } from "@effect/platform-node"
import { describe, expect, it } from "@effect/vitest"
import { AccessToken, DouyinClient, DouyinConfig, DouyinTest, RateLimit, Retry } from "@effect-douyin/core"
import * as DouyinHttpClient from "@effect-douyin/core/DouyinHttpClient"
import {
  CreateFanGroup,
  DisableGroupSetting,
  FanGroupQuota,
  ListEntryApplications,
  ListFanGroups,
  MessageContent,
  RecallGroupMessage,
  ReviewEntryApplication,
  SendGroupMessage,
  SetGroupSetting
} from "@effect-douyin/group"
import { Effect, Layer, Redacted } from "effect"
import * as fixtures from "../packages/group/test/fixtures.js"
import * as Server from "./support/LoopbackServer.js"

const Endpoints = Layer.mergeAll(
  CreateFanGroup.layer,
  DisableGroupSetting.layer,
  FanGroupQuota.layer,
  ListEntryApplications.layer,
  ListFanGroups.layer,
  RecallGroupMessage.layer,
  ReviewEntryApplication.layer,
  SendGroupMessage.layer,
  SetGroupSetting.layer
)
type Endpoints = Layer.Layer.Success<typeof Endpoints>

interface Case {
  readonly route: string
  readonly answer: unknown
  readonly call: Effect.Effect<unknown, unknown, Endpoints>
}

const cases: ReadonlyArray<Case> = [
  {
    route: "POST /im/group/fans/create/",
    answer: fixtures.createResponse,
    call: CreateFanGroup.create({
      openId: "op-1",
      groupName: "My fans",
      description: "Say hi",
      avatarUri: "https://example.com/a.png",
      groupType: "tenThousandFans",
      activeFans: true,
      fansLimit: 5,
      relationType: "followerOver30Days",
      allowInvite: false,
      itemAutoSync: true,
      liveAutoSync: false,
      openAuditSwitch: true,
      showAtProfile: true
    })
  },
  {
    route: "POST /im/group/setting/disable/",
    answer: fixtures.envelopeBSuccess,
    call: DisableGroupSetting.disable({ openId: "op-1", groupId: "@g==", settingType: "welcome" })
  },
  { route: "GET /im/group/count/", answer: fixtures.countResponse, call: FanGroupQuota.remaining({ openId: "op-1" }) },
  {
    route: "GET /im/group/enter/audit/get/",
    answer: fixtures.auditListResponse,
    call: ListEntryApplications.list({ openId: "op-1", count: 10, cursor: 0 })
  },
  { route: "GET /im/group/fans/list/", answer: fixtures.fansListResponse, call: ListFanGroups.list({ openId: "op-1" }) },
  {
    route: "POST /im/recall/msg/",
    answer: fixtures.envelopeBSuccess,
    call: RecallGroupMessage.recall({ openId: "op-1", msgId: "@c29bfc000+MNgg==", conversationId: "@conv==" })
  },
  {
    route: "POST /im/group/enter/audit/set/",
    answer: fixtures.auditSetResponse,
    call: ReviewEntryApplication.review({ openId: "op-1", applyId: "@apply==", decision: "approve" })
  },
  {
    route: "POST /im/send/msg/group/",
    answer: fixtures.sendResponse,
    call: SendGroupMessage.send({ openId: "op-1", groupId: "@7aaaa==", content: MessageContent.image("@aaaa") })
  },
  {
    route: "POST /im/group/setting/set/",
    answer: fixtures.envelopeBSuccess,
    call: SetGroupSetting.set({
      openId: "op-1",
      groupId: "@4F8C…",
      settingType: "welcome",
      messages: [
        MessageContent.text("66666"),
        MessageContent.appletCard({ cardTemplateId: "@4F8C…", schema: "https://z.douyin.com/lktwYRo", appId: "ttfa398c06e94401" })
      ]
    })
  }
]

/** What the server side sees of one request, in a form every client's recording shares. */
interface Wire {
  readonly method: string
  readonly path: string
  readonly query: Readonly<Record<string, string>>
  readonly accessToken: unknown
  readonly contentType: unknown
  readonly body: unknown
}

const fromBody = (text: string): unknown => (text === "" ? undefined : JSON.parse(text))

const token = DouyinTest.testToken

/** Every case through the in-process recording client: the reference. */
const reference = Effect.gen(function*() {
  const results: Array<unknown> = []
  for (const c of cases) results.push(yield* Effect.either(c.call))
  const wire = (yield* DouyinTest.requests).map((r): Wire => ({
    method: r.method,
    path: r.path,
    query: r.query,
    accessToken: r.headers["access-token"],
    contentType: r.headers["content-type"],
    body: r.body
  }))
  return { results, wire }
}).pipe(
  Effect.provide(
    Endpoints.pipe(
      Layer.provideMerge(DouyinTest.layerClient(Object.fromEntries(cases.map((c) => [c.route, DouyinTest.json(c.answer)]))))
    )
  )
)

/** Every case over `http` to a loopback server that answers each route with its sample. */
const overSocket = (http: Layer.Layer<HttpClient.HttpClient, ConfigError.ConfigError>) =>
  Effect.gen(function*() {
    const answers = new Map(cases.map((c) => [c.route, JSON.stringify(c.answer)]))
    const server = yield* Server.make((r) => {
      const body = answers.get(`${r.method} ${r.path}`)
      return body === undefined ? { status: 404, body: "" } : { status: 200, headers: { "content-type": "application/json" }, body }
    })
    const results: Array<unknown> = []
    yield* Effect.gen(function*() {
      for (const c of cases) results.push(yield* Effect.either(c.call))
    }).pipe(
      Effect.provide(
        Endpoints.pipe(
          Layer.provide(DouyinClient.layer),
          Layer.provide(Retry.layerDisabled),
          Layer.provide(RateLimit.layerDisabled),
          Layer.provide(http),
          Layer.provide(DouyinConfig.layer({ baseUrl: server.url })),
          Layer.provide(AccessToken.layerStatic(Redacted.make(token)))
        )
      )
    )
    const wire = server.received.map((r): Wire => ({
      method: r.method,
      path: r.path,
      query: r.query,
      accessToken: r.headers["access-token"],
      contentType: r.headers["content-type"],
      body: fromBody(r.body)
    }))
    return { results, wire }
  })

const transports = [
  { name: "the platform's undici client", http: NodeHttpClient.layerUndici },
  { name: "the fast client (DouyinHttpClient)", http: DouyinHttpClient.layer() }
]

describe.each(transports)("wire conformance of the nine endpoints over a loopback socket, over $name", ({ http }) => {
  it.scoped("the same requests on the wire and the same results as the recording client", () =>
    Effect.gen(function*() {
      const expected = yield* reference
      // The reference itself: one request per case, every call succeeded.
      expect(expected.wire).toHaveLength(cases.length)
      expect(expected.results.map((r) => (r as { _tag: string })._tag)).toEqual(cases.map(() => "Right"))
      const actual = yield* overSocket(http)
      expect(actual.wire).toStrictEqual(expected.wire)
      expect(actual.results).toStrictEqual(expected.results)
    }))
})
