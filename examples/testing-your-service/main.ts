/**
 * The Announcer against a target (embedded sandbox by default; see ../support/Target.ts):
 * sends a flash announcement and waits until it has been recalled.
 *
 *   pnpm exec tsx examples/testing-your-service/main.ts [visibleFor, default "2 seconds"] [--allow-writes]
 */
import * as NodeRuntime from "@effect/platform-node/NodeRuntime"
import { CreateFanGroup, ListFanGroups } from "@effect-douyin/group"
import { Console, Duration, Effect, Layer, Option } from "effect"
import * as Target from "../support/Target.js"
import * as Announcer from "./Announcer.js"

export const demo = (visibleFor: Duration.DurationInput) =>
  Effect.gen(function*() {
    const target = yield* Target.Target
    yield* Console.log("effect-douyin testing-your-service: the Announcer")
    yield* Console.log(`target: ${target.description}`)
    if (!target.allowWrites) {
      yield* Console.log("skipped: a flash announcement sends a message; pass --allow-writes")
      return
    }
    const { openId } = target
    const existing = (yield* ListFanGroups.list({ openId })).groups[0]?.groupId
    const groupId = existing ?? (yield* CreateFanGroup.create({
      openId,
      groupName: "Announcements",
      description: "flash announcements",
      avatarUri: "https://example.com/a.png"
    })).groupId
    const announcer = yield* Announcer.Announcer
    const { msgId } = yield* announcer.flash({ openId, groupId, text: "Flash sale!", visibleFor })
    yield* Console.log(`flash ${msgId} sent to ${groupId}, visible for ${Duration.format(Duration.decode(visibleFor))}`)
    yield* announcer.drain
    if (Option.isSome(target.admin)) {
      const message = (yield* target.admin.value.snapshot).messages.find((m) => m.msgId === msgId)
      yield* Console.log(`flash ${msgId} recalled: ${message?.recalled === true}`)
    } else {
      yield* Console.log(`flash ${msgId} recalled`)
    }
  })

export const main = (argv: ReadonlyArray<string>) => {
  const arg = argv.find((a) => !a.startsWith("--")) ?? "2 seconds"
  const visibleFor = Duration.decodeUnknown(arg)
  if (Option.isNone(visibleFor)) return Effect.dieMessage(`not a duration: ${arg} (try "2 seconds")`)
  return demo(visibleFor.value).pipe(
    Effect.provide(
      Announcer.layer.pipe(
        Layer.provideMerge(Target.layerApi({ allowWrites: argv.includes("--allow-writes") }))
      )
    )
  )
}

if (Target.isMain(import.meta.url)) NodeRuntime.runMain(main(process.argv.slice(2)))
