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
    }).pipe(Effect.provide(FanGroupApi.layer.pipe(Layer.provideMerge(DouyinTest.layerClient(responder))))))

  it.effect("layerWith overrides the quota path", () =>
    Effect.gen(function*() {
      yield* FanGroupQuota.remaining({ openId })
      const [request] = yield* DouyinTest.requests
      expect(request!.path).toBe("/im/group/fans/count/")
    }).pipe(
      Effect.provide(
        FanGroupApi.layerWith({ quotaPath: "/im/group/fans/count/" }).pipe(
          Layer.provideMerge(DouyinTest.layerClient(responder))
        )
      )
    ))

  it.effect("a single endpoint can be stubbed with Layer.succeed (least-privilege requirements)", () =>
    Effect.gen(function*() {
      const program: Effect.Effect<SendGroupMessage.Output, SendGroupMessage.Error, SendGroupMessage.SendGroupMessage> =
        SendGroupMessage.send({ openId, groupId: "@g", content: MessageContent.text("hi") })
      expect(yield* program).toStrictEqual({ msgId: "stub" })
    }).pipe(
      Effect.provide(
        Layer.succeed(SendGroupMessage.SendGroupMessage, { send: () => Effect.succeed({ msgId: "stub" }) })
      )
    ))
})
