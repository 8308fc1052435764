import { type DouyinError, DouyinTest, type Endpoint } from "@effect-douyin/core"
import { describe, expect, expectTypeOf, it } from "@effect/vitest"
import { Effect, Layer } from "effect"
import { CreateFanGroup } from "../src/index.js"
import * as fixtures from "./fixtures.js"
import { expectRequest } from "./helpers.js"

const layer = (responder: DouyinTest.Responder) => CreateFanGroup.layer.pipe(Layer.provideMerge(DouyinTest.layerClient(responder)))

const ok = { "POST /im/group/fans/create/": DouyinTest.json(fixtures.createResponse) }

const required = {
  openId: "op-1",
  groupName: "My fans",
  description: "Say hi",
  avatarUri: "https://example.com/a.png"
}

describe("CreateFanGroup", () => {
  it("create is exactly Endpoint.Handler<typeof descriptor>; errors DouyinError.UnsafeError; R only CreateFanGroup", () => {
    expectTypeOf<CreateFanGroup.Service["create"]>().toEqualTypeOf<Endpoint.Handler<typeof CreateFanGroup.descriptor>>()
    expectTypeOf<CreateFanGroup.Error>().toEqualTypeOf<DouyinError.UnsafeError>()
    expectTypeOf(CreateFanGroup.create).parameters.toEqualTypeOf<[CreateFanGroup.Input]>()
    expectTypeOf<Effect.Effect.Context<ReturnType<typeof CreateFanGroup.create>>>().toEqualTypeOf<CreateFanGroup.CreateFanGroup>()
  })

  it.effect("POST /im/group/fans/create/ with every field mapped to snake_case and 0/1 switches", () =>
    Effect.gen(function*() {
      const result = yield* CreateFanGroup.create({
        ...required,
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
      expect(result).toStrictEqual({ groupId: "@jebkjeb87hbejfh==" })
      const [request] = yield* DouyinTest.requests
      expectRequest(request, {
        method: "POST",
        path: "/im/group/fans/create/",
        query: { open_id: "op-1" },
        body: {
          group_name: "My fans",
          description: "Say hi",
          avatar_uri: "https://example.com/a.png",
          group_type: 5,
          active_fans: 1,
          fans_limit: 5,
          relation_type: 30,
          allow_invite: 0,
          item_auto_sync: 1,
          live_auto_sync: 0,
          open_audit_switch: 1,
          show_at_profile: 1
        }
      })
    }).pipe(Effect.provide(layer(ok))))

  it.effect("unset optional fields are omitted from the body (no zeros)", () =>
    Effect.gen(function*() {
      yield* CreateFanGroup.create({ ...required, groupType: "streamer" })
      const [request] = yield* DouyinTest.requests
      expect(request.bodyText).toBe(
        JSON.stringify({
          group_name: "My fans",
          description: "Say hi",
          avatar_uri: "https://example.com/a.png",
          group_type: 2
        })
      )
    }).pipe(Effect.provide(layer(ok))))

  it.effect("2190001 (quota exhausted) → DouyinQuotaError with the logid", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(CreateFanGroup.create(required))
      expect(error._tag).toBe("DouyinQuotaError")
      if (error._tag !== "DouyinQuotaError") return
      expect(error.code).toBe(2190001)
      expect(error.logId).toBe("log-create-1")
      expect(yield* DouyinTest.requests).toHaveLength(1)
    }).pipe(Effect.provide(layer([DouyinTest.errorA(2190001, "quota已用完", "log-create-1")]))))

  it.effect("empty or blank required strings → DouyinInvalidInput, nothing sent", () =>
    Effect.gen(function*() {
      for (
        const bad of [
          { ...required, groupName: "" },
          { ...required, groupName: "   " },
          { ...required, description: "" },
          { ...required, avatarUri: "" },
          { ...required, openId: "" }
        ]
      ) {
        const error = yield* Effect.flip(CreateFanGroup.create(bad))
        expect(error._tag).toBe("DouyinInvalidInput")
        expect(error.message).toContain("group/CreateFanGroup")
      }
      expect(yield* DouyinTest.requests).toHaveLength(0)
    }).pipe(Effect.provide(layer(ok))))

  it.effect("enum values outside the documented sets → DouyinInvalidInput, nothing sent", () =>
    Effect.gen(function*() {
      for (
        const bad of [
          { ...required, groupType: "ordinary" },
          { ...required, fansLimit: 2 },
          { ...required, relationType: "friend" }
        ]
      ) {
        const error = yield* Effect.flip(CreateFanGroup.create(bad as any))
        expect(error._tag).toBe("DouyinInvalidInput")
      }
      expect(yield* DouyinTest.requests).toHaveLength(0)
    }).pipe(Effect.provide(layer(ok))))
})
