// A user's program, compiled by scripts/consumer-check.mjs against the packed tarballs under each
// module resolution (NodeNext, Bundler, node10) with `skipLibCheck: false`, then run with plain
// `node` as ESM and as CommonJS. It uses the package index and a subpath entry point of both
// packages, and the in-process sandbox, so nothing leaves the process.
import { DouyinError } from "@effect-douyin/core"
import type * as DouyinClient from "@effect-douyin/core/DouyinClient"
import { CreateFanGroup, MessageContent } from "@effect-douyin/group"
import { FanGroupSandbox } from "@effect-douyin/sandbox"
import * as SendGroupMessage from "@effect-douyin/group/SendGroupMessage"
import { Effect, Layer } from "effect"

const openId = "creator-1"

type Services =
  | CreateFanGroup.CreateFanGroup
  | SendGroupMessage.SendGroupMessage
  | DouyinClient.DouyinClient
  | FanGroupSandbox.FanGroupSandbox

const Live: Layer.Layer<Services> = Layer.mergeAll(CreateFanGroup.layer, SendGroupMessage.layer).pipe(
  Layer.provideMerge(FanGroupSandbox.layerDouyinClient())
)

const program = Effect.gen(function*() {
  const { groupId } = yield* CreateFanGroup.create({
    openId,
    groupName: "Fans",
    description: "Live announcements",
    avatarUri: "https://example.com/a.png"
  })
  const { msgId } = yield* SendGroupMessage.send({ openId, groupId, content: MessageContent.text("Live in 10 minutes!") })
  // Bad input is a typed error and nothing is sent.
  const rejected = yield* Effect.flip(
    SendGroupMessage.send({ openId, groupId: " ", content: MessageContent.text("x") })
  )
  const sandbox = yield* FanGroupSandbox.FanGroupSandbox
  const { messages } = yield* sandbox.snapshot
  return {
    module: typeof module === "undefined" ? "esm" : "cjs",
    sent: msgId.startsWith("@"),
    messages: messages.map((m) => m.content),
    rejected: rejected._tag,
    typed: DouyinError.isDouyinError(rejected)
  }
})

Effect.runPromise(program.pipe(Effect.provide(Live))).then(
  (result) => console.log(JSON.stringify(result)),
  (error) => {
    console.error(error)
    process.exitCode = 1
  }
)
