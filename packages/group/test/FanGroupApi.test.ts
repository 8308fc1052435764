import { DouyinTest } from "@effect-douyin/core"
import { describe, expect, it } from "@effect/vitest"
import { Effect, Layer } from "effect"
import {
  CreateFanGroup,
  DisableGroupSetting,
  FanGroupApi,
  FanGroupQuota,
  ListEntryApplications,
  ListFanGroups,
  MessageContent,
  RecallGroupMessage,
  ReviewEntryApplication,
  SendGroupMessage,
  SetGroupSetting
} from "../src/index.js"
import * as FanGroupApiSupport from "../../../test/support/fanGroupApi.js"
import * as fixtures from "./fixtures.js"

const responder: DouyinTest.Responder = {
  "GET /im/group/count/": DouyinTest.json(fixtures.countResponse),
  "GET /im/group/fans/count/": DouyinTest.json(fixtures.countResponse),
  "POST /im/group/fans/create/": DouyinTest.json(fixtures.createResponse),
  "GET /im/group/fans/list/": DouyinTest.json(fixtures.fansListResponse),
  "POST /im/send/msg/group/": DouyinTest.json(fixtures.sendResponse),
  "POST /im/recall/msg/": DouyinTest.json(fixtures.envelopeBSuccess),
  "POST /im/group/setting/set/": DouyinTest.json(fixtures.envelopeBSuccess),
  "POST /im/group/setting/disable/": DouyinTest.json(fixtures.envelopeBSuccess),
  "GET /im/group/enter/audit/get/": DouyinTest.json(fixtures.auditListResponse),
  "POST /im/group/enter/audit/set/": DouyinTest.json(fixtures.auditSetResponse)
}

const openId = "op-1"

const tour = Effect.gen(function*() {
  yield* FanGroupQuota.remaining({ openId })
  const { groupId } = yield* CreateFanGroup.create({ openId, groupName: "g", description: "d", avatarUri: "a" })
  yield* ListFanGroups.list({ openId })
  const { msgId } = yield* SendGroupMessage.send({ openId, groupId, content: MessageContent.text("hi") })
  yield* RecallGroupMessage.recall({ openId, msgId, conversationId: groupId })
  yield* SetGroupSetting.set({ openId, groupId, settingType: "welcome", messages: [MessageContent.text("hi")] })
  yield* DisableGroupSetting.disable({ openId, groupId, settingType: "welcome" })
  const page = yield* ListEntryApplications.list({ openId, count: 10 })
  yield* ReviewEntryApplication.review({ openId, applyId: page.applications[0]!.applyId, decision: "approve" })
})

describe("FanGroupApi", () => {
  it.effect("one layer provides all nine services", () =>
    Effect.gen(function*() {
      yield* tour
      const requests = yield* DouyinTest.requests
      expect(requests.map((r) => `${r.method} ${r.path}`)).toStrictEqual([
        "GET /im/group/count/",
        "POST /im/group/fans/create/",
        "GET /im/group/fans/list/",
        "POST /im/send/msg/group/",
        "POST /im/recall/msg/",
        "POST /im/group/setting/set/",
        "POST /im/group/setting/disable/",
        "GET /im/group/enter/audit/get/",
        "POST /im/group/enter/audit/set/"
      ])
      expect(requests.every((r) => r.query.open_id === openId)).toBe(true)
    }).pipe(Effect.provide(FanGroupApiSupport.over(DouyinTest.layerClient(responder)))))

  it.effect("layerWith overrides the quota path", () =>
    Effect.gen(function*() {
      yield* FanGroupQuota.remaining({ openId })
      const [request] = yield* DouyinTest.requests
      expect(request!.path).toBe("/im/group/fans/count/")
    }).pipe(
      Effect.provide(
        FanGroupApiSupport.over(DouyinTest.layerClient(responder), FanGroupApi.layerWith({ quotaPath: "/im/group/fans/count/" }))
      )
    ))

  it.effect("a single endpoint can be stubbed with Layer.succeed (least-privilege requirements)", () =>
    Effect.gen(function*() {
      const program: Effect.Effect<SendGroupMessage.Output, SendGroupMessage.Error, SendGroupMessage.SendGroupMessage> = SendGroupMessage
        .send({ openId, groupId: "@g", content: MessageContent.text("hi") })
      expect(yield* program).toStrictEqual({ msgId: "stub" })
    }).pipe(
      Effect.provide(
        Layer.succeed(SendGroupMessage.SendGroupMessage, { send: () => Effect.succeed({ msgId: "stub" }) })
      )
    ))
})

describe("descriptors", () => {
  it("method, path, scope, idempotency class and envelope per endpoint", () => {
    const table = FanGroupApiSupport.endpoints
      .map((m) => m.descriptor)
      .map((d) => [d.id, `${d.method} ${d.path}`, d.scope, d.idempotency, d.envelope])
    expect(table).toStrictEqual([
      ["group/FanGroupQuota", "GET /im/group/count/", "im.group_fans.create_list", "read", "A"],
      ["group/CreateFanGroup", "POST /im/group/fans/create/", "im.group_fans.create_list", "unsafe", "A"],
      ["group/ListFanGroups", "GET /im/group/fans/list/", "im.group_fans.create_list", "read", "A"],
      ["group/SendGroupMessage", "POST /im/send/msg/group/", "im.group_message", "unsafe", "A"],
      ["group/RecallGroupMessage", "POST /im/recall/msg/", "im.recall_message", "convergent", "B"],
      ["group/SetGroupSetting", "POST /im/group/setting/set/", "im.group_fans.create_list", "convergent", "B"],
      ["group/DisableGroupSetting", "POST /im/group/setting/disable/", "im.group_fans.create_list", "convergent", "B"],
      ["group/ListEntryApplications", "GET /im/group/enter/audit/get/", "im.group_fans.create_list", "read", "A"],
      ["group/ReviewEntryApplication", "POST /im/group/enter/audit/set/", "im.group_fans.create_list", "convergent", "A"]
    ])
  })

  it.effect("the idempotency class reaches the client: a 502 page on send is DouyinOutcomeUnknown, on a read DouyinHttpError", () =>
    Effect.gen(function*() {
      const send = yield* Effect.flip(
        SendGroupMessage.send({ openId, groupId: "@g", content: MessageContent.text("hi") })
      )
      expect(send._tag).toBe("DouyinOutcomeUnknown")
      const read = yield* Effect.flip(ListFanGroups.list({ openId }))
      expect(read._tag).toBe("DouyinHttpError")
      expect(yield* DouyinTest.requests).toHaveLength(2)
    }).pipe(
      Effect.provide(FanGroupApiSupport.over(DouyinTest.layerClient([DouyinTest.text(502, "<html>Bad Gateway</html>")])))
    ))
})

describe("FanGroupApi.scopes", () => {
  it("the scopes of the nine descriptors, each once; per service its descriptor's scope", () => {
    expect(FanGroupApi.scopes).toEqual(["im.group_fans.create_list", "im.group_message", "im.recall_message"])
    expect(ListFanGroups.scopes).toEqual([ListFanGroups.descriptor.scope])
    expect(SendGroupMessage.scopes).toEqual(["im.group_message"])
    expect(RecallGroupMessage.scopes).toEqual(["im.recall_message"])
    const all = FanGroupApiSupport.endpoints.map((m) => m.descriptor.scope)
    expect(new Set(FanGroupApi.scopes)).toEqual(new Set(all))
  })
})
