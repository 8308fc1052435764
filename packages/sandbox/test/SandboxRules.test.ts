import { describe, expect, it } from "@effect/vitest"
import { Effect, Redacted, Stream } from "effect"
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
import * as FanGroupApiSupport from "../../../test/support/fanGroupApi.js"
import { FanGroupSandbox } from "../src/index.js"

// The sandbox's rules, driven through the SDK's own endpoint services.

const TestLive = (options: Parameters<typeof FanGroupSandbox.layerDouyinClient>[0] = {}) =>
  FanGroupApiSupport.over(FanGroupSandbox.layerDouyinClient(options))

const openId = "creator-1"

const newGroup = (name: string, extra: Partial<CreateFanGroup.Input> = {}) =>
  CreateFanGroup.create({ openId, groupName: name, description: "about", avatarUri: "https://x/a.png", ...extra })

describe("FanGroupSandbox through the endpoint services", () => {
  it.effect("quota decreases with each group and a spent quota is DouyinQuotaError", () =>
    Effect.gen(function*() {
      expect(yield* FanGroupQuota.remaining({ openId })).toEqual({ leftCount: 2 })
      const a = yield* newGroup("A", { groupType: "tenThousandFans" })
      yield* newGroup("B")
      expect(yield* FanGroupQuota.remaining({ openId })).toEqual({ leftCount: 0 })
      const error = yield* Effect.flip(newGroup("C"))
      expect(error._tag).toBe("DouyinQuotaError")
      const { groups } = yield* ListFanGroups.list({ openId })
      expect(groups.map((g) => g.groupName)).toEqual(["A", "B"])
      expect(groups[0]).toMatchObject({ groupId: a.groupId, groupType: "tenThousandFans", status: "Normal", existNum: 1, maxNum: 500 })
      // Quota is per owner.
      expect(yield* FanGroupQuota.remaining({ openId: "creator-2" })).toEqual({ leftCount: 2 })
    }).pipe(Effect.provide(TestLive({ quota: 2 }))))

  it.effect("send and recall: unique ids, recall marks the message, recall converges, unknown message is DouyinInvalidParams", () =>
    Effect.gen(function*() {
      const sandbox = yield* FanGroupSandbox.FanGroupSandbox
      const { groupId } = yield* newGroup("G")
      const first = yield* SendGroupMessage.send({ openId, groupId, content: MessageContent.text("hello") })
      // (a card or image must name an id the sandbox issued: see SandboxMedia.test.ts)
      const second = yield* SendGroupMessage.send({ openId, groupId, content: MessageContent.text("second") })
      expect(first.msgId).not.toBe(second.msgId)
      yield* RecallGroupMessage.recall({ openId, msgId: first.msgId, conversationId: groupId })
      yield* RecallGroupMessage.recall({ openId, msgId: first.msgId, conversationId: groupId })
      const messages = (yield* sandbox.snapshot).messages
      expect(messages.map((m) => [m.msgId, m.recalled])).toEqual([[first.msgId, true], [second.msgId, false]])
      expect(messages[0]!.content).toEqual({ msg_type: 1, text: { text: "hello" } })
      const unknown = yield* Effect.flip(RecallGroupMessage.recall({ openId, msgId: "@none==", conversationId: groupId }))
      expect(unknown._tag).toBe("DouyinInvalidParams")
      const foreign = yield* Effect.flip(
        SendGroupMessage.send({ openId: "creator-2", groupId, content: MessageContent.text("hijack") })
      )
      expect(foreign._tag).toBe("DouyinPermissionError")
    }).pipe(Effect.provide(TestLive())))

  it.effect("settings: set and disable per group and type", () =>
    Effect.gen(function*() {
      const sandbox = yield* FanGroupSandbox.FanGroupSandbox
      const { groupId } = yield* newGroup("G")
      yield* SetGroupSetting.set({ openId, groupId, settingType: "welcome", messages: [MessageContent.text("Welcome!")] })
      yield* SetGroupSetting.set({ openId, groupId, settingType: "notice", messages: [MessageContent.text("Rules")] })
      yield* DisableGroupSetting.disable({ openId, groupId, settingType: "notice" })
      const settings = (yield* sandbox.snapshot).settings
      expect(settings.map((s) => [s.groupId, s.settingType, s.enabled]).sort()).toEqual([[groupId, 1, true], [groupId, 2, false]])
    }).pipe(Effect.provide(TestLive())))

  it.effect("review: applications stream across pages, approve once, a conflicting review is an error", () =>
    Effect.gen(function*() {
      const sandbox = yield* FanGroupSandbox.FanGroupSandbox
      const { groupId } = yield* newGroup("G", { openAuditSwitch: true })
      for (let i = 1; i <= 5; i++) yield* sandbox.applyToJoin({ groupId, userId: `fan-${i}` })
      const all = yield* Stream.runCollect(ListEntryApplications.stream({ openId, count: 2 }))
      expect(Array.from(all, (a) => [a.userId, a.applyStatus])).toEqual(
        [1, 2, 3, 4, 5].map((i) => [`fan-${i}`, "pending"])
      )
      const [first, second] = Array.from(all)
      expect(yield* ReviewEntryApplication.review({ openId, applyId: first!.applyId, decision: "approve" })).toEqual({ success: true })
      expect(yield* ReviewEntryApplication.review({ openId, applyId: second!.applyId, decision: "reject" })).toEqual({ success: true })
      const conflicting = yield* Effect.flip(ReviewEntryApplication.review({ openId, applyId: first!.applyId, decision: "reject" }))
      expect(conflicting._tag).toBe("DouyinInvalidParams")
      const page = yield* ListEntryApplications.list({ openId, count: 2 })
      expect(page.applications.map((a) => a.applyStatus)).toEqual(["approved", "rejected"])
      expect((yield* ListFanGroups.list({ openId })).groups[0]!.existNum).toBe(2)
    }).pipe(Effect.provide(TestLive())))

  it.effect("faults surface as the SDK's typed errors: busy, expired token, dropped send is DouyinOutcomeUnknown", () =>
    Effect.gen(function*() {
      const sandbox = yield* FanGroupSandbox.FanGroupSandbox
      const { groupId } = yield* newGroup("G")
      yield* sandbox.inject(FanGroupSandbox.busy())
      expect((yield* Effect.flip(FanGroupQuota.remaining({ openId })))._tag).toBe("DouyinBusyError")
      yield* sandbox.inject(FanGroupSandbox.tokenExpired())
      expect((yield* Effect.flip(FanGroupQuota.remaining({ openId })))._tag).toBe("DouyinAuthError")
      yield* sandbox.inject(FanGroupSandbox.dropConnection({ route: "/im/send/msg/group/" }))
      const dropped = yield* Effect.flip(SendGroupMessage.send({ openId, groupId, content: MessageContent.text("?") }))
      expect(dropped._tag).toBe("DouyinOutcomeUnknown")
      // It did take effect: exactly the ambiguity DouyinOutcomeUnknown reports.
      expect((yield* sandbox.snapshot).messages).toHaveLength(1)
    }).pipe(Effect.provide(TestLive())))

  it.effect("tokens: a static token registered for one open_id is refused for another (2190015); expiry is DouyinAuthError", () =>
    Effect.gen(function*() {
      const sandbox = yield* FanGroupSandbox.FanGroupSandbox
      yield* sandbox.registerToken({ openId: "creator-2", token: Redacted.make(FanGroupSandbox.defaultToken) })
      const mismatch = yield* Effect.flip(FanGroupQuota.remaining({ openId }))
      expect(mismatch).toMatchObject({ _tag: "DouyinPermissionError", code: 2190015 })
      expect(yield* FanGroupQuota.remaining({ openId: "creator-2" })).toEqual({ leftCount: 5 })
      yield* sandbox.expireTokens("creator-2")
      expect(yield* Effect.flip(FanGroupQuota.remaining({ openId: "creator-2" }))).toMatchObject({
        _tag: "DouyinAuthError",
        code: 2190008
      })
    }).pipe(Effect.provide(TestLive({ token: Redacted.make(FanGroupSandbox.defaultToken) }))))
})
