/**
 * Two instances of one app sharing their state through Redis:
 *
 * 1. a creator authorizes the app once; the tokens go to Redis (`TokenStoreRedis.layer`);
 * 2. the creator's token expires at Douyin while both instances are busy: one refresh in
 *    total (the refresh takes a lease in Redis; the other instance re-reads the store);
 * 3. Douyin delivers the same webhook (same `Msg-Id`) to both instances: handled once
 *    (`WebhookDedupeRedis.layer`).
 *
 * Each instance here is its own layer stack with its own Redis connection, as two processes
 * would be (`test/instances.test.ts` runs the same rows with one OS process per instance).
 * The rate limits are shared too (`RateLimitRedis.layer`): 50 requests per second for the
 * whole app, however many instances run (docs/reliability.md#rate-limiting).
 *
 *   DOUYIN_REDIS_URL=redis://127.0.0.1:6379 pnpm exec tsx examples/many-instances.ts
 *
 * Needs a Redis (`scripts/ensure-redis.sh` installs one; `redis-server --port 6379`).
 */
import { NodeHttpClient } from "@effect/platform-node"
import * as NodeRuntime from "@effect/platform-node/NodeRuntime"
import { AccessToken, DouyinClient, DouyinConfig, OAuth, Retry, TokenStore } from "@effect-douyin/core"
import * as RateLimitRedis from "@effect-douyin/core/RateLimitRedis"
import * as Redis from "@effect-douyin/core/Redis"
import * as TokenStoreRedis from "@effect-douyin/core/TokenStoreRedis"
import { FanGroupQuota, WebhookConfig, WebhookHandler, WebhookSignature } from "@effect-douyin/group"
import { FanGroupSandbox } from "@effect-douyin/sandbox"
import * as WebhookDedupeRedis from "@effect-douyin/group/WebhookDedupeRedis"
import { Config, Console, Context, Effect, Layer, Redacted } from "effect"
import * as SandboxServer from "@effect-douyin/sandbox/SandboxServer"

const clientKey = "sandbox-client-key"
const webhookSecret = Redacted.make("many-instances-webhook-secret")

/** Everything one instance of the app runs: the client over Redis-backed tokens, a webhook receiver. */
const instance = (name: string, baseUrl: string, redisUrl: Redacted.Redacted<string>, prefix: string) => {
  const Shared = Redis.layer({ url: redisUrl, prefix })
  const Tokens = AccessToken.layerStore().pipe(
    Layer.provideMerge(TokenStoreRedis.layer()),
    Layer.provideMerge(OAuth.layer({ clientKey, clientSecret: Redacted.make("sandbox-client-secret") }))
  )
  const Client = FanGroupQuota.layer.pipe(Layer.provideMerge(DouyinClient.layer)).pipe(
    Layer.provide(Retry.layerDefault),
    Layer.provide(RateLimitRedis.layer({ global: { limit: 50, interval: "1 second" }, maxConcurrent: 32 })), // in total
    Layer.provideMerge(Tokens)
  )
  const Webhooks = WebhookHandler.layer({
    GroupMessageReceived: (event) => Console.log(`   ${name} handled webhook ${event.content.serverMessageId}`)
  }).pipe(
    Layer.provide(WebhookConfig.layer({ clientSecret: webhookSecret })),
    Layer.provide(WebhookDedupeRedis.layer())
  )
  return Layer.mergeAll(Client, Webhooks).pipe(
    Layer.provide(Shared),
    Layer.provideMerge(DouyinConfig.layer({ baseUrl })),
    Layer.provide(NodeHttpClient.layer)
  )
}

const quota = (openId: string) => FanGroupQuota.remaining({ openId })

const program = Effect.gen(function*() {
  const redisUrl = yield* Config.redacted("DOUYIN_REDIS_URL").pipe(Config.withDefault(Redacted.make("redis://127.0.0.1:6379")))
  const server = yield* Layer.build(SandboxServer.layer({ clientKey }))
  const sandbox = Context.get(server, FanGroupSandbox.FanGroupSandbox)
  const baseUrl = yield* Effect.provide(SandboxServer.url, server)
  // One key prefix per run, so a second run starts from an empty state.
  const prefix = `many-instances-example:${Date.now()}:`
  const a = yield* Layer.build(instance("instance A", baseUrl, redisUrl, prefix))
  const b = yield* Layer.build(instance("instance B", baseUrl, redisUrl, prefix))
  const refreshes = Effect.map(sandbox.requests, (all) => all.filter((r) => r.path === OAuth.Paths.refreshToken).length)

  yield* Console.log("1. creator-ana authorizes the app once (through instance A); the tokens go to Redis")
  const code = yield* sandbox.authorize({ openId: "creator-ana" })
  yield* TokenStore.authorize(code).pipe(Effect.provide(a))
  yield* Console.log(`   instance B sees them: ${(yield* quota("creator-ana").pipe(Effect.provide(b))).leftCount} groups left`)

  yield* Console.log("\n2. Douyin expires the token while both instances make 20 calls each")
  yield* sandbox.expireTokens("creator-ana")
  const before = yield* refreshes
  yield* Effect.all([
    Effect.all(Array.from({ length: 20 }, () => quota("creator-ana")), { concurrency: "unbounded" }).pipe(Effect.provide(a)),
    Effect.all(Array.from({ length: 20 }, () => quota("creator-ana")), { concurrency: "unbounded" }).pipe(Effect.provide(b))
  ], { concurrency: "unbounded" })
  yield* Console.log(`   40 calls succeeded; refresh requests in total: ${(yield* refreshes) - before}`)

  yield* Console.log("\n3. The same webhook (Msg-Id wh-1) reaches both instances at once")
  const body = JSON.stringify({
    event: "im_group_receive_msg",
    client_key: clientKey,
    from_user_id: "member",
    to_user_id: "creator-ana",
    content: {
      conversation_short_id: "@c",
      server_message_id: "@m1",
      conversation_type: 2,
      create_time: 1,
      message_type: "text",
      text: "hi"
    }
  })
  const delivery = {
    body: new TextEncoder().encode(body),
    headers: { "x-douyin-signature": WebhookSignature.sign(webhookSecret, body), "msg-id": "wh-1" }
  }
  const replies = yield* Effect.all(
    [a, b].map((context) =>
      Effect.flatMap(WebhookHandler.WebhookHandler, (receiver) => Effect.tap(receiver.handle(delivery), () => receiver.awaitIdle)).pipe(
        Effect.provide(context)
      )
    ),
    { concurrency: "unbounded" }
  )
  yield* Console.log(`   replies: ${replies.map((r) => `${r.status} ${r.outcome}`).join(", ")}`)
})

NodeRuntime.runMain(Effect.scoped(program))
