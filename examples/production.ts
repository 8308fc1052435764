/**
 * The production composition (type-checked, mirrored in the README): the nine endpoint
 * services over one client, with retry, rate limit and a refreshing token store provided
 * INTO the client, and undici as the injected HttpClient. Not run by the tests: it needs
 * real credentials (DOUYIN_CLIENT_KEY, DOUYIN_CLIENT_SECRET) and an authorized creator.
 */
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import { AccessToken, DouyinClient, DouyinConfig, OAuth, RateLimit, Retry, TokenStore } from "@effect-douyin/core"
import { FanGroupApi, MessageContent, SendGroupMessage } from "@effect-douyin/group"
import { Effect, Layer } from "effect"

export const announce = (openId: string, groupId: string) =>
  SendGroupMessage.send({ openId, groupId, content: MessageContent.text("Live in 10 minutes!") }).pipe(
    Effect.catchTag("DouyinOutcomeUnknown", (e) =>
      Effect.logWarning(`send may or may not have happened; reconcile ${e.clientRequestId}`))
  )

export const Live = FanGroupApi.layer.pipe(
  Layer.provide(DouyinClient.layer),
  Layer.provide(Retry.layerDefault),
  Layer.provide(RateLimit.layer({
    global: { limit: 50, interval: "1 second" },
    perOpenId: { limit: 10, interval: "1 second" },
    maxConcurrent: 32
  })),
  Layer.provide(AccessToken.layerStore()),
  Layer.provide(Layer.merge(TokenStore.layerMemory(), OAuth.layerConfig())),
  Layer.provide(DouyinConfig.layerConfig()),
  Layer.provide(NodeHttpClient.layerUndici)
)
