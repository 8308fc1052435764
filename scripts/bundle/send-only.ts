// A program that only sends a group message, bundled by scripts/bundle-size.mjs from the built
// ES modules to see what a send-only app pays: no sandbox, webhook, token-store or Redis code.
import { FetchHttpClient } from "@effect/platform"
import { AccessToken, DouyinClient, DouyinConfig, RateLimit, Retry } from "@effect-douyin/core"
import { MessageContent, SendGroupMessage } from "@effect-douyin/group"
import { Effect, Layer, Redacted } from "effect"

const Live = SendGroupMessage.layer.pipe(
  Layer.provide(DouyinClient.layer),
  Layer.provide(Layer.mergeAll(Retry.layerDisabled, RateLimit.layerDisabled, DouyinConfig.layer())),
  Layer.provide(AccessToken.layerStatic(Redacted.make(process.env.DOUYIN_ACCESS_TOKEN ?? ""))),
  Layer.provide(FetchHttpClient.layer)
)

SendGroupMessage.send({ openId: "creator", groupId: "@group", content: MessageContent.text("hi") }).pipe(
  Effect.provide(Live),
  Effect.runPromise
)
