// A user's program, compiled by scripts/consumer-check.mjs against the packed tarballs under each
// module resolution (NodeNext, Bundler, node10) with `skipLibCheck: false`, then run with plain
// `node` as ESM and as CommonJS. It uses the package index and a subpath entry point of both
// packages, and the in-process sandbox, so nothing leaves the process.
import { DouyinError, DouyinMetrics, type RedisConnection } from "@effect-douyin/core"
import type * as DouyinClient from "@effect-douyin/core/DouyinClient"
import {
  Broadcast,
  BroadcastTarget,
  CreateFanGroup,
  MessageContent,
  WebhookEvent,
  type WebhookDedupe,
  type WebhookHandler
} from "@effect-douyin/group"
import { FanGroupSandbox } from "@effect-douyin/sandbox"
import * as SendGroupMessage from "@effect-douyin/group/SendGroupMessage"
import type * as FanGroupLive from "@effect-douyin/group/FanGroupLive"
import type * as WebhookLive from "@effect-douyin/group/WebhookLive"
import { type ConfigError, Effect, Layer, Schema } from "effect"

/** The public types a user names (each must resolve from an entry point, not an internal file). */
export type Named = [
  WebhookEvent.MalformedEvent,
  WebhookEvent.UnknownEvent,
  WebhookEvent.KnownEventName,
  WebhookEvent.SceneType,
  WebhookEvent.CardStatus,
  WebhookEvent.FanEventType,
  WebhookEvent.EntryApplicationChanged["applicantOpenId" | "ownerOpenId"],
  WebhookEvent.GroupFanJoined["memberOpenId" | "ownerOpenId"],
  WebhookEvent.GroupMessageReceived["senderOpenId" | "ownerOpenId"],
  WebhookHandler.Options,
  WebhookHandler.Outcome,
  WebhookDedupe.Service["release"],
  Broadcast.TargetState,
  Broadcast.Address,
  Broadcast.Target,
  BroadcastTarget.Address,
  BroadcastTarget.Target,
  DouyinMetrics.WebhookResult,
  RedisConnection.Options,
  WebhookLive.Options,
  WebhookLive.BuildError,
  FanGroupLive.Services,
  FanGroupLive.BuildError,
  FanGroupLive.RedisOptions,
  FanGroupLive.Requirements,
  FanGroupLive.Options,
  FanGroupLive.Configured,
  FanGroupLive.ConfigOptions
]

const openId = "creator-1"

type Services =
  | CreateFanGroup.CreateFanGroup
  | SendGroupMessage.SendGroupMessage
  | DouyinClient.DouyinClient
  | FanGroupSandbox.FanGroupSandbox

// The sandbox checks its options when built: a bad one is a ConfigError, never a defect.
const Live: Layer.Layer<Services, ConfigError.ConfigError> = Layer.mergeAll(CreateFanGroup.layer, SendGroupMessage.layer).pipe(
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
  // The public Schemas, used as a user would.
  const schemas = Schema.is(Broadcast.BroadcastId)("launch-1") && !Schema.is(BroadcastTarget.BroadcastId)("bad id") &&
    Schema.decodeUnknownSync(WebhookEvent.SceneType)(2) === "welcomeMessage" &&
    Schema.decodeUnknownSync(WebhookEvent.CardStatus)("2") === "completed" &&
    Schema.decodeUnknownSync(WebhookEvent.FanEventType)(1) === "joined" &&
    DouyinMetrics.units["douyin.client.call.duration"] === "s"
  return {
    module: typeof module === "undefined" ? "esm" : "cjs",
    sent: msgId.startsWith("@"),
    messages: messages.map((m) => m.content),
    rejected: rejected._tag,
    typed: DouyinError.isDouyinError(rejected),
    schemas
  }
})

Effect.runPromise(program.pipe(Effect.provide(Live))).then(
  (result) => console.log(JSON.stringify(result)),
  (error) => {
    console.error(error)
    process.exitCode = 1
  }
)
