import { describe, expect, it } from "@effect/vitest"
import { Chunk, Duration, Effect, Either, Fiber, Layer, Option, Schema, Stream, TestClock } from "effect"
import {
  Broadcast,
  BroadcastJournal,
  BroadcastTarget,
  CreateFanGroup,
  MessageContent,
  RecallGroupMessage,
  SendGroupMessage
} from "@effect-douyin/group"
import { FanGroupSandbox } from "../src/index.js"

// Broadcasts over the in-process sandbox (the exact wire, no sockets) with the memory journal.

const Live = Layer.mergeAll(SendGroupMessage.layer, RecallGroupMessage.layer, CreateFanGroup.layer).pipe(
  Layer.provideMerge(FanGroupSandbox.layerDouyinClient({ quota: 100 })),
  Layer.provideMerge(BroadcastJournal.layerMemory)
)

const hello = MessageContent.text("We are live in 10 minutes!")

/** Creates `n` groups owned by `openId` and returns them as targets. */
const groups = (n: number, openId = "creator-a") =>
  Effect.forEach(Array.from({ length: n }, (_, i) => i), (i) =>
    Effect.map(
      CreateFanGroup.create({ openId, groupName: `fans ${i}`, description: "d", avatarUri: "https://a/b.png" }),
      ({ groupId }) => ({ openId, groupId }) as Broadcast.Target
    ))

/** How many messages each group has in the sandbox. */
const messagesPerGroup = Effect.map(
  Effect.flatMap(FanGroupSandbox.FanGroupSandbox, (s) => s.snapshot),
  (snapshot) => {
    const counts = new Map<string, number>()
    for (const m of snapshot.messages) counts.set(m.groupId, (counts.get(m.groupId) ?? 0) + 1)
    return counts
  }
)

const sendRequests = Effect.map(
  Effect.flatMap(FanGroupSandbox.FanGroupSandbox, (s) => s.requests),
  (requests) => requests.filter((r) => r.path === "/im/send/msg/group/").length
)

const collect = <A, E, R>(stream: Stream.Stream<A, E, R>) => Effect.map(Stream.runCollect(stream), Chunk.toReadonlyArray)

// The journal stores exactly the send's error union: a new error class breaks this line.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false
const storedErrorsAreTheSendErrors: Same<typeof BroadcastJournal.SendError.Type, SendGroupMessage.Error> = true

describe("Broadcast", () => {
  it("stores the send's own error union", () => expect(storedErrorsAreTheSendErrors).toBe(true))

  it.effect("sends to every target once and summarizes from the journal", () =>
    Effect.gen(function*() {
      const targets = yield* groups(12)
      const outcomes = yield* collect(Broadcast.run({ id: "b-1", targets, content: hello, concurrency: 4 }))
      expect(outcomes).toHaveLength(12)
      expect(outcomes.every((o) => o._tag === "Sent" && o.msgId?.startsWith("@SBXm"))).toBe(true)
      expect(new Set(outcomes.map((o) => o.index))).toEqual(new Set(targets.map((_, i) => i)))
      const summary = yield* Broadcast.summary("b-1")
      expect(summary).toMatchObject({ total: 12, sent: 12, failed: 0, unknown: 0, pending: 0, inFlight: 0 })
      const perGroup = yield* messagesPerGroup
      expect(targets.map((t) => perGroup.get(t.groupId!))).toEqual(targets.map(() => 1))
      // Running it again resumes: nothing is pending, nothing is sent.
      expect(yield* collect(Broadcast.run({ id: "b-1", targets, content: hello }))).toEqual([])
      expect(yield* sendRequests).toBe(12)
    }).pipe(Effect.provide(Live)))

  it.effect("per-target content, group tokens, and a typed failure per target", () =>
    Effect.gen(function*() {
      const [a, b] = yield* groups(2)
      const sandbox = yield* FanGroupSandbox.FanGroupSandbox
      const token = (yield* sandbox.snapshot).groups[1]!.groupToken
      const outcomes = yield* collect(Broadcast.run({
        id: "b-2",
        content: hello,
        targets: [
          a!,
          // (an image would need an id the sandbox issued: see SandboxMedia.test.ts)
          { openId: "creator-a", groupToken: token, content: MessageContent.text("just for b") },
          { openId: "creator-a", groupId: "@no-such-group==" }
        ]
      }))
      const byIndex = new Map(outcomes.map((o) => [o.index, o]))
      expect(byIndex.get(0)?._tag).toBe("Sent")
      expect(byIndex.get(1)?._tag).toBe("Sent")
      const failed = byIndex.get(2)
      expect(failed?._tag).toBe("Failed")
      if (failed?._tag === "Failed") expect(failed.error._tag).toBe("DouyinInvalidParams")
      const sent = (yield* sandbox.snapshot).messages
      expect(sent.find((m) => m.groupId === b!.groupId)?.content).toEqual({ msg_type: 1, text: { text: "just for b" } })
      const summary = yield* Broadcast.summary("b-2")
      expect(summary).toMatchObject({ sent: 2, failed: 1 })
      expect(summary.failedTargets[0]?.error._tag).toBe("DouyinInvalidParams")
    }).pipe(Effect.provide(Live)))

  it.effect("bad input fails with BroadcastInvalidInput before anything is written or sent", () =>
    Effect.gen(function*() {
      const [a, b] = yield* groups(2)
      const coupon = MessageContent.appletCoupon({ appId: "tt1", activityId: 1, couponMetaId: 2 } as never)
      const cases: ReadonlyArray<Broadcast.Options> = [
        { id: "bad-1", targets: [], content: hello },
        { id: "bad-2", targets: [a!, b!, { ...a! }], content: hello },
        // Coupons are a welcome-message format; send does not take them (the type says so too).
        { id: "bad-3", targets: [a!], content: coupon as unknown as MessageContent.GroupMessageContent },
        { id: "bad-4", targets: [a!] },
        { id: "bad-5", targets: [{ openId: "creator-a", groupId: "@g", groupToken: "t" } as never], content: hello },
        { id: "bad-6", targets: [{ openId: " ", groupId: "@g" }], content: hello },
        { id: "../etc/passwd", targets: [a!], content: hello },
        { id: "bad-8", targets: [a!], content: hello, concurrency: 0 }
      ]
      const before = yield* sendRequests
      for (const options of cases) {
        const error = yield* Effect.flip(Stream.runDrain(Broadcast.run(options)))
        expect(error._tag, options.id).toBe("BroadcastInvalidInput")
        const notFound = yield* Effect.flip(Broadcast.summary(options.id))
        expect(notFound._tag).toBe("BroadcastNotFound")
      }
      const messages = (yield* Effect.flip(Stream.runDrain(Broadcast.run(cases[1]!)))).message
      expect(messages).toContain("targets 0 and 2 are the same")
      expect(yield* sendRequests).toBe(before)
    }).pipe(Effect.provide(Live)))

  it.effect("a dropped connection ends Unknown, is not re-sent on resume, and resend sends it once", () =>
    Effect.gen(function*() {
      const sandbox = yield* FanGroupSandbox.FanGroupSandbox
      const targets = yield* groups(10)
      // The first three sends are read and dropped without taking effect.
      yield* sandbox.inject(FanGroupSandbox.dropConnection({ route: "POST /im/send/msg/group/", times: 3, executed: false }))
      const outcomes = yield* collect(Broadcast.run({ id: "b-drop", targets, content: hello, concurrency: 1 }))
      const unknown = outcomes.filter((o) => o._tag === "Unknown")
      expect(unknown.map((o) => o.index)).toEqual([0, 1, 2])
      for (const o of unknown) {
        if (o._tag !== "Unknown") continue
        expect(o.error?._tag).toBe("DouyinOutcomeUnknown")
        expect(o.clientRequestId).toMatch(/^[0-9a-f-]{36}$/)
      }
      expect(yield* sendRequests).toBe(10)
      // Resuming sends nothing: unknown is the app's decision.
      expect(yield* collect(Broadcast.resume("b-drop"))).toEqual([])
      expect(yield* sendRequests).toBe(10)
      const summary = yield* Broadcast.summary("b-drop")
      expect(summary).toMatchObject({ sent: 7, unknown: 3 })
      expect(summary.unknownTargets.map((u) => u.index)).toEqual([0, 1, 2])
      // Explicitly: resend them.
      const resent = yield* collect(Broadcast.resend({ id: "b-drop" }))
      expect(resent.map((o) => o._tag)).toEqual(["Sent", "Sent", "Sent"])
      expect(yield* sendRequests).toBe(13)
      const perGroup = yield* messagesPerGroup
      expect(targets.map((t) => perGroup.get(t.groupId!))).toEqual(targets.map(() => 1))
      expect(yield* Broadcast.summary("b-drop")).toMatchObject({ sent: 10, unknown: 0 })
      // Resending a sent target is refused.
      const refused = yield* Effect.flip(Stream.runDrain(Broadcast.resend({ id: "b-drop", targets: [targets[0]!] })))
      expect(refused._tag).toBe("BroadcastInvalidInput")
      expect(yield* sendRequests).toBe(13)
    }).pipe(Effect.provide(Live)))

  it.effect("targets lists every target's state and msg id in plan order, as a chunked Stream, for reconciliation", () =>
    Effect.gen(function*() {
      const sandbox = yield* FanGroupSandbox.FanGroupSandbox
      const targets = yield* groups(7)
      // the first send is read and dropped: its outcome is unknown
      yield* sandbox.inject(FanGroupSandbox.dropConnection({ route: "POST /im/send/msg/group/", times: 1, executed: false }))
      const outcomes = yield* collect(Broadcast.run({ id: "b-list-2", targets, content: hello, concurrency: 1 }))
      const listed = yield* collect(Broadcast.targets("b-list-2", { chunkSize: 3 }))
      expect(listed.map((t) => t.index)).toEqual([0, 1, 2, 3, 4, 5, 6])
      expect(listed.map((t) => t.state)).toEqual(["Unknown", "Sent", "Sent", "Sent", "Sent", "Sent", "Sent"])
      expect(listed.map((t) => t.address)).toEqual(targets)
      for (const t of listed) {
        const sent = outcomes.find((o) => o.index === t.index)
        expect(t.msgId).toBe(sent?._tag === "Sent" ? sent.msgId : undefined)
        expect(t.outcome?._tag).toBe(t.state)
        expect(t.broadcastId).toBe("b-list-2")
      }
      expect(listed.filter((t) => t.msgId?.startsWith("@SBXm"))).toHaveLength(6)
      const missing = yield* Effect.flip(Stream.runDrain(Broadcast.targets("no-such-broadcast")))
      expect(missing._tag).toBe("BroadcastNotFound")
    }).pipe(Effect.provide(Live)))

  it("the broadcast id as a Schema: the rule run applies, exported from the public modules", () => {
    const decode = Schema.decodeUnknownEither(Broadcast.BroadcastId)
    expect(Broadcast.BroadcastId).toBe(BroadcastTarget.BroadcastId)
    expect(decode("launch-2026.12:06_a")).toEqual(Either.right("launch-2026.12:06_a"))
    for (const bad of ["", "-x", "a b", "x".repeat(129), "a/b", 7]) expect(Either.isLeft(decode(bad))).toBe(true)
    const target: BroadcastTarget.Target = { openId: "o", groupToken: "t", content: hello }
    const address: Broadcast.Address = { openId: "o", groupId: "g" }
    expect([target.openId, address.openId]).toEqual(["o", "o"])
  })

  it.effect("markSent records an unknown target that did get the message; recall withdraws every sent one", () =>
    Effect.gen(function*() {
      const sandbox = yield* FanGroupSandbox.FanGroupSandbox
      const targets = yield* groups(4)
      // Executed, then dropped: the group has the message, the sender cannot know.
      yield* sandbox.inject(FanGroupSandbox.dropConnection({ route: "POST /im/send/msg/group/", times: 1, executed: true }))
      const outcomes = yield* collect(Broadcast.run({ id: "b-mark", targets, content: hello, concurrency: 1 }))
      const unknown = outcomes.find((o) => o._tag === "Unknown")!
      const delivered = (yield* sandbox.snapshot).messages.find((m) => m.groupId === targets[unknown.index]!.groupId)!
      yield* Broadcast.markSent({ id: "b-mark", target: unknown.address, msgId: delivered.msgId })
      expect(yield* Broadcast.summary("b-mark")).toMatchObject({ sent: 4, unknown: 0 })
      const again = yield* Effect.flip(Broadcast.markSent({ id: "b-mark", target: unknown.address }))
      expect(again._tag).toBe("BroadcastInvalidInput")

      const report = yield* Broadcast.recall({ id: "b-mark" })
      expect(report).toMatchObject({ recalled: 4, alreadyRecalled: 0, failed: [], skipped: [] })
      expect((yield* sandbox.snapshot).messages.every((m) => m.recalled)).toBe(true)
      expect(yield* Broadcast.recall({ id: "b-mark" })).toMatchObject({ recalled: 0, alreadyRecalled: 4 })
      expect(yield* Broadcast.summary("b-mark")).toMatchObject({ recalled: 4 })
    }).pipe(Effect.provide(Live)))

  it.effect("resume after a crash: targets left InFlight become Unknown (not re-sent); Pending ones are sent", () =>
    Effect.gen(function*() {
      const targets = yield* groups(6)
      const journal = yield* BroadcastJournal.BroadcastJournal
      // What a run that died leaves behind: the plan, two targets claimed, nothing recorded.
      const plan = {
        id: "b-crash",
        createdAt: 0,
        contents: [hello],
        targets: targets.map((t) => ({ openId: t.openId, groupId: t.groupId!, content: 0 }))
      }
      expect(yield* journal.create(plan)).toEqual(Option.none())
      for (const i of [1, 4]) {
        expect(
          yield* journal.compareAndSet("b-crash", i, { _tag: "Pending" }, {
            _tag: "InFlight",
            attemptId: `dead-${i}`,
            owner: "dead-run",
            startedAt: 0
          })
        ).toBe(true)
      }
      const outcomes = yield* collect(Broadcast.resume("b-crash"))
      // Orphans come first.
      expect(outcomes.slice(0, 2).map((o) => [o._tag, o.index, o.attemptId])).toEqual([["Unknown", 1, "dead-1"], ["Unknown", 4, "dead-4"]])
      expect(outcomes.slice(2).every((o) => o._tag === "Sent")).toBe(true)
      expect(yield* sendRequests).toBe(4)
      const summary = yield* Broadcast.summary("b-crash")
      expect(summary).toMatchObject({ sent: 4, unknown: 2, pending: 0, inFlight: 0 })
      expect(summary.unknownTargets[0]?.description).toContain("in flight when its run (dead-run) stopped")
    }).pipe(Effect.provide(Live)))

  it.effect("the same id with other targets or content is a conflict; nothing is sent", () =>
    Effect.gen(function*() {
      const targets = yield* groups(2)
      yield* Stream.runDrain(Broadcast.run({ id: "b-same", targets, content: hello }))
      const error = yield* Effect.flip(Stream.runDrain(Broadcast.run({ id: "b-same", targets, content: MessageContent.text("other") })))
      expect(error._tag).toBe("BroadcastConflict")
      expect(yield* sendRequests).toBe(2)
      expect((yield* Effect.flip(Stream.runDrain(Broadcast.resume("nope"))))._tag).toBe("BroadcastNotFound")
    }).pipe(Effect.provide(Live)))

  it.effect("a second run waits for the lease (or fails with BroadcastBusy); interrupting a run records Unknown", () =>
    Effect.gen(function*() {
      const sandbox = yield* FanGroupSandbox.FanGroupSandbox
      const targets = yield* groups(4)
      yield* sandbox.inject(FanGroupSandbox.latency("1 second", { route: "POST /im/send/msg/group/" }))
      const first = yield* Effect.fork(Stream.runDrain(Broadcast.run({ id: "b-lease", targets, content: hello, concurrency: 2 })))
      yield* TestClock.adjust("10 millis")
      const busy = yield* Effect.flip(Stream.runDrain(Broadcast.resume("b-lease", { lease: { whenBusy: "fail" } })))
      expect(busy._tag).toBe("BroadcastBusy")
      // Interrupt while two sends are on the wire: both are recorded as Unknown.
      yield* Fiber.interrupt(first)
      const summary = yield* Broadcast.summary("b-lease")
      expect(summary).toMatchObject({ unknown: 2, pending: 2, inFlight: 0 })
      expect(summary.unknownTargets.every((u) => u.description.includes("interrupted"))).toBe(true)
      // The lease was released: a new run takes it at once and sends the rest.
      yield* sandbox.clearFaults
      const rest = yield* collect(Broadcast.resume("b-lease", { lease: { whenBusy: "fail" } }))
      expect(rest.map((o) => o._tag)).toEqual(["Sent", "Sent"])
    }).pipe(Effect.provide(Live)))

  it.effect("a lease held by a run that stopped renewing ends after its TTL; the waiting run then takes over", () =>
    Effect.gen(function*() {
      const targets = yield* groups(2)
      const journal = yield* BroadcastJournal.BroadcastJournal
      yield* Stream.runDrain(Broadcast.run({ id: "b-ttl", targets: [targets[0]!], content: hello }))
      expect(yield* journal.acquireLease("b-ttl", "stuck-run", Duration.seconds(5))).toBe(true)
      const waiting = yield* Effect.fork(Stream.runDrain(Broadcast.resume("b-ttl", { lease: { timeToLive: "3 seconds" } })))
      yield* TestClock.adjust("4 seconds")
      expect(Option.isNone(yield* Fiber.poll(waiting))).toBe(true)
      yield* TestClock.adjust("2 seconds")
      yield* Fiber.join(waiting)
    }).pipe(Effect.provide(Live)))
})
