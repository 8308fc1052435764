/**
 * The production composition (type-checked, mirrored in the README "Usage" section): the nine
 * endpoint services from `DOUYIN_*` config in one call, and the same kind of stack composed by
 * hand from the building blocks. Not run by the tests (test/fan-group-live.test.ts runs the
 * one-call layer against the sandbox): it needs real credentials (DOUYIN_CLIENT_KEY,
 * DOUYIN_CLIENT_SECRET) and an authorized creator.
 */
import * as NodeContext from "@effect/platform-node/NodeContext"
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import { AccessToken, DouyinClient, DouyinConfig, OAuth, RateLimit, Retry, TokenStore } from "@effect-douyin/core"
import { FanGroupApi, MessageContent, SendGroupMessage } from "@effect-douyin/group"
import * as FanGroupLive from "@effect-douyin/group/FanGroupLive"
import { Effect, Layer } from "effect"

export const announce = (openId: string, groupId: string) =>
  SendGroupMessage.send({ openId, groupId, content: MessageContent.text("Live in 10 minutes!") }).pipe(
    Effect.catchTag("DouyinOutcomeUnknown", (e) => Effect.logWarning(`send may or may not have happened; reconcile ${e.clientRequestId}`))
  )

// DOUYIN_CLIENT_KEY and DOUYIN_CLIENT_SECRET are required; DOUYIN_TOKEN_DIR, DOUYIN_RATE_LIMIT_*,
// DOUYIN_BASE_URL and the timeouts have defaults.
export const Live = FanGroupLive.layerConfig().pipe(Layer.provide(NodeContext.layer))

// Composing by hand: the building blocks, for another HttpClient, token store or policy.
export const LiveByHand = FanGroupApi.layer.pipe(
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

// Either layer leaves nothing to provide (these annotations fail to compile otherwise).
export const program: Effect.Effect<void, unknown, never> = announce("open-id", "@group==").pipe(Effect.provide(Live))
export const programByHand: Effect.Effect<void, unknown, never> = announce("open-id", "@group==").pipe(
  Effect.provide(LiveByHand)
)
