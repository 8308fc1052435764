import { describe, expect, it } from "@effect/vitest"
import { CreateFanGroup, RecallGroupMessage, SendGroupMessage } from "@effect-douyin/group"
import { FanGroupSandbox } from "@effect-douyin/sandbox"
import { Effect, Fiber, Layer, TestClock } from "effect"
import * as Announcer from "./Announcer.js"

// Your service over the sandbox: the two endpoint services it needs, plus CreateFanGroup for
// the test's own setup, all over one in-process sandbox. TestClock drives every delay.
const TestLive = Announcer.layer.pipe(
  Layer.provideMerge(Layer.mergeAll(SendGroupMessage.layer, RecallGroupMessage.layer, CreateFanGroup.layer)),
  Layer.provideMerge(FanGroupSandbox.layerDouyinClient())
)

const openId = "creator-1"

const setup = Effect.gen(function*() {
  const sandbox = yield* FanGroupSandbox.FanGroupSandbox
  const { groupId } = yield* CreateFanGroup.create({ openId, groupName: "G", description: "d", avatarUri: "https://x/a.png" })
  const recalled = Effect.map(sandbox.snapshot, (s) => s.messages.map((m) => m.recalled))
  return { sandbox, groupId, recalled }
})

describe("Announcer (a user's service tested with the sandbox and TestClock)", () => {
  it.scoped("recalls the flash exactly when it expires", () =>
    Effect.gen(function*() {
      const { groupId, recalled } = yield* setup
      const announcer = yield* Announcer.Announcer
      const { msgId } = yield* announcer.flash({ openId, groupId, text: "50% off for 10 minutes", visibleFor: "10 minutes" })
      expect(msgId).toMatch(/^@/)
      expect(yield* recalled).toEqual([false])
      yield* TestClock.adjust("9 minutes")
      expect(yield* recalled).toEqual([false])
      yield* TestClock.adjust("1 minute")
      yield* announcer.drain
      expect(yield* recalled).toEqual([true])
    }).pipe(Effect.provide(TestLive)))

  it.scoped("retries the recall with backoff while Douyin is busy", () =>
    Effect.gen(function*() {
      const { groupId, recalled, sandbox } = yield* setup
      const announcer = yield* Announcer.Announcer
      yield* sandbox.inject(FanGroupSandbox.busy({ times: 2, route: "POST /im/recall/msg/" }))
      yield* announcer.flash({ openId, groupId, text: "flash", visibleFor: "1 minute" })
      const drained = yield* Effect.fork(announcer.drain)
      yield* TestClock.adjust("1 minute") // first recall: busy
      yield* TestClock.adjust("1 second") // retry 1: busy
      expect(yield* recalled).toEqual([false])
      yield* TestClock.adjust("2 seconds") // retry 2: recalled
      yield* Fiber.join(drained)
      expect(yield* recalled).toEqual([true])
      const recalls = (yield* sandbox.requests).filter((r) => r.path === "/im/recall/msg/")
      expect(recalls.map((r) => r.at - recalls[0]!.at)).toEqual([0, 1000, 3000])
    }).pipe(Effect.provide(TestLive)))

  it.scoped("a failed send is the typed error and schedules nothing", () =>
    Effect.gen(function*() {
      const { groupId, sandbox } = yield* setup
      const announcer = yield* Announcer.Announcer
      yield* sandbox.inject(FanGroupSandbox.busy({ route: "/im/send/msg/group/" }))
      const error = yield* Effect.flip(announcer.flash({ openId, groupId, text: "x", visibleFor: "1 minute" }))
      expect(error._tag).toBe("DouyinBusyError")
      yield* announcer.drain // returns at once: nothing was scheduled
      expect((yield* sandbox.snapshot).messages).toEqual([])
    }).pipe(Effect.provide(TestLive)))
})
