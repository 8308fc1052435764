import { TokenStore } from "@effect-douyin/core"
import { WebhookHandler } from "@effect-douyin/group"
import { FanGroupSandbox, SandboxTest } from "@effect-douyin/sandbox"
import { describe, expect, it } from "@effect/vitest"
import { Effect, Layer, TestClock } from "effect"
import * as FanClub from "./FanClub.js"

// The whole stack in one layer: endpoint services, DouyinClient, OAuth, the token store and the
// webhook receiver over the in-process sandbox. Time is the TestClock: the sandbox's token
// expiry follows it, so "15 days later" takes no time.
const TestLive = SandboxTest.layerWebhooks(FanClub.handlers).pipe(Layer.provideMerge(SandboxTest.layer()))

describe("FanClub on the whole-stack test layer", () => {
  it.effect("onboarding a creator, a broadcast to all their groups, a webhook-driven approval", () =>
    Effect.gen(function*() {
      const sandbox = yield* FanGroupSandbox.FanGroupSandbox

      // 1. Onboarding: the creator grants access (the code of the consent redirect).
      const code = yield* sandbox.authorize({ openId: "creator-ana" })
      const { openId } = yield* FanClub.connect(code)
      expect(openId).toBe("creator-ana")
      expect((yield* TokenStore.needingReauthorization(FanGroupSandbox.defaultClientKey)).length).toBe(0)
      yield* sandbox.seed({
        creators: [{ open_id: openId, groups: [{ group_name: "Ana's fans" }, { group_name: "Ana VIP", open_audit_switch: 1 }] }]
      })

      // 2. A broadcast to all their groups.
      const sent = yield* FanClub.announce(openId, "Live at 8!")
      expect(sent).toHaveLength(2)
      const state = yield* sandbox.snapshot
      expect(state.messages.map((m) => [m.groupId, m.content])).toEqual(
        state.groups.map((g) => [g.groupId, { msg_type: 1, text: { text: "Live at 8!" } }])
      )

      // 15 days later the access token has expired: the SDK refreshes it through OAuth, once.
      yield* TestClock.adjust("15 days")
      expect(yield* FanClub.announce(openId, "Live again!")).toHaveLength(2)
      expect((yield* sandbox.requests).filter((r) => r.path === "/oauth/refresh_token/")).toHaveLength(1)

      // 3. A fan applies to the audited group: the webhook arrives, the handler approves.
      const vip = state.groups.find((g) => g.openAuditSwitch)!
      const application = yield* sandbox.applyToJoin({ groupId: vip.groupId, userId: "fan-1" })
      expect(application.status).toBe(1)
      yield* sandbox.awaitDeliveries
      yield* Effect.flatMap(WebhookHandler.WebhookHandler, (receiver) => receiver.awaitIdle)
      const after = yield* sandbox.snapshot
      expect(after.applications.map((a) => [a.userId, a.status])).toEqual([["fan-1", 2]])
      expect(after.groups.find((g) => g.groupId === vip.groupId)?.existNum).toBe(2)
      expect((yield* sandbox.deliveries).map((d) => [d.event, d.status])).toEqual([
        ["im_group_send_msg", "delivered"],
        ["im_group_send_msg", "delivered"],
        ["im_group_send_msg", "delivered"],
        ["im_group_send_msg", "delivered"],
        ["enter_group_audit_change", "delivered"],
        ["enter_group_audit_change", "delivered"],
        ["group_fans_event", "delivered"]
      ])
    }).pipe(Effect.provide(TestLive)))

  it.effect("no plain HttpClient in the test's context: the app's other HTTP calls never reach the emulator", () =>
    Effect.gen(function*() {
      const context = yield* Layer.build(SandboxTest.layer())
      expect([...context.unsafeMap.keys()].filter((k) => k.includes("HttpClient"))).toEqual([])
    }).pipe(Effect.scoped))
})
