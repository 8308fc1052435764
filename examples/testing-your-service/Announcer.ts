/**
 * A service of *your* application, built on two endpoint services: flash announcements, group
 * messages that recall themselves after a while. Its requirements say exactly which Douyin
 * capabilities it uses: `SendGroupMessage | RecallGroupMessage`, nothing else.
 *
 * The recall runs in the background (a fiber in the layer's `FiberSet`) after `visibleFor`,
 * and is retried with exponential backoff while Douyin is busy. `Announcer.test.ts` checks
 * all of it against the sandbox under `TestClock`, without waiting.
 */
import { RecallGroupMessage, SendGroupMessage, MessageContent } from "@effect-douyin/group"
import type { Duration } from "effect"
import { Context, Effect, FiberSet, Layer, Schedule } from "effect"

export interface FlashInput {
  readonly openId: string
  readonly groupId: string
  readonly text: string
  /** How long the message stays before it is recalled. */
  readonly visibleFor: Duration.DurationInput
}

export interface Service {
  /** Sends `text` now and recalls it after `visibleFor`. Fails only if the send fails. */
  readonly flash: (input: FlashInput) => Effect.Effect<{ readonly msgId: string }, SendGroupMessage.Error>
  /** Waits until every scheduled recall has run. */
  readonly drain: Effect.Effect<void>
}

export class Announcer extends Context.Tag("example/Announcer")<Announcer, Service>() {}

/** Busy answers at recall time are retried: 1 s, 2 s, 4 s, … at most 6 times. */
export const recallSchedule = Schedule.exponential("1 second").pipe(Schedule.intersect(Schedule.recurs(6)))

export const make = Effect.gen(function*() {
  const send = yield* SendGroupMessage.SendGroupMessage
  const recall = yield* RecallGroupMessage.RecallGroupMessage
  const background = yield* FiberSet.make()

  const flash = (input: FlashInput) =>
    Effect.gen(function*() {
      const { msgId } = yield* send.send({
        openId: input.openId,
        groupId: input.groupId,
        content: MessageContent.text(input.text)
      })
      yield* recall.recall({ openId: input.openId, msgId, conversationId: input.groupId }).pipe(
        Effect.retry({ schedule: recallSchedule, while: (e) => e._tag === "DouyinBusyError" }),
        Effect.catchAll((e) => Effect.logWarning(`flash ${msgId} could not be recalled: ${e.message}`)),
        Effect.delay(input.visibleFor),
        FiberSet.run(background)
      )
      return { msgId }
    })

  return Announcer.of({ flash, drain: FiberSet.awaitEmpty(background) })
})

export const layer: Layer.Layer<Announcer, never, SendGroupMessage.SendGroupMessage | RecallGroupMessage.RecallGroupMessage> = Layer.scoped(
  Announcer,
  make
)
