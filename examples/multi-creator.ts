/**
 * Several creators (`open_id`s) in one process, each with its own token from a token store.
 *
 * 1. Three creators authorize the app (the sandbox plays the consent screen and hands out
 *    authorization codes); `TokenStore.authorize` exchanges each code and stores the tokens
 *    under client_key + open_id.
 * 2. All three work concurrently, interleaved: each call picks its creator's token.
 * 3. One creator's token expires: the next call gets 2190008, the store refreshes once
 *    through `/oauth/refresh_token/`, the call succeeds.
 *
 * Runs against a sandbox (embedded by default, or `DOUYIN_BASE_URL=<pnpm sandbox url>`),
 * because it simulates users authorizing the app.
 */
import * as NodeRuntime from "@effect/platform-node/NodeRuntime"
import { AccessToken, DouyinClient, OAuth, RateLimit, Retry, TokenStore } from "@effect-douyin/core"
import { CreateFanGroup, FanGroupApi, FanGroupQuota, ListFanGroups, MessageContent, SendGroupMessage } from "@effect-douyin/group"
import { Console, Duration, Effect, Layer, Option, Redacted } from "effect"
import * as Target from "./support/Target.js"

const say = (line = "") => Console.log(line)

const creators = ["creator-ana", "creator-ben", "creator-chen"] as const

/** OAuth whose refreshes are printed, so the transcript shows exactly how many happened. */
const OAuthLive = Layer.effect(
  OAuth.OAuth,
  Effect.map(
    OAuth.make({ clientKey: "sandbox-client-key", clientSecret: Redacted.make("sandbox-client-secret") }),
    (oauth): OAuth.Service => ({
      ...oauth,
      refreshToken: (refreshToken) =>
        oauth.refreshToken(refreshToken).pipe(
          Effect.tap((t) => say(`   ↻ POST /oauth/refresh_token/  → new access token for ${t.openId}`))
        )
    })
  )
)

export const multiCreator = Effect.gen(function*() {
  const target = yield* Target.Target
  yield* say("effect-douyin multi-creator")
  yield* say(`target: ${target.description}`)
  if (Option.isNone(target.admin)) {
    yield* say("This example simulates users authorizing the app, so it needs a sandbox: unset DOUYIN_ACCESS_TOKEN.")
    return
  }
  const admin = target.admin.value

  yield* say("\n1. Each creator authorizes the app; the store keeps their tokens (client_key + open_id)")
  for (const openId of creators) {
    const code = yield* admin.authorize({ openId })
    const token = yield* TokenStore.authorize(code)
    yield* say(`   ${openId}: code exchanged → access token ${String(token.accessToken)}, valid ${Duration.format(token.expiresIn)}`)
  }

  yield* say("\n2. All three at once, interleaved")
  const results = yield* Effect.forEach(creators, (openId) =>
    Effect.gen(function*() {
      const { groupId } = yield* CreateFanGroup.create({
        openId,
        groupName: `${openId.replace("creator-", "")}'s fans`,
        description: "multi-creator example",
        avatarUri: "https://example.com/a.png"
      })
      const { msgId } = yield* SendGroupMessage.send({ openId, groupId, content: MessageContent.text(`hi from ${openId}`) })
      const { groups } = yield* ListFanGroups.list({ openId })
      return { openId, groupId, msgId, groups: groups.map((g) => g.groupName) }
    }), { concurrency: "unbounded" })
  for (const r of results) {
    yield* say(`   ${r.openId}: created ${r.groupId}, sent ${r.msgId}; sees only ${JSON.stringify(r.groups)}`)
  }

  yield* say("\n3. creator-ben's token expires")
  yield* admin.expireTokens("creator-ben")
  const quota = yield* FanGroupQuota.remaining({ openId: "creator-ben" })
  yield* say(`   creator-ben: GET /im/group/count/ → 2190008, refreshed once, retried → ${quota.leftCount} group(s) left`)
  const others = yield* Effect.forEach(["creator-ana", "creator-chen"], (openId) => FanGroupQuota.remaining({ openId }))
  yield* say(`   creator-ana, creator-chen: untouched (${others.map((q) => q.leftCount).join(", ")} left), no refresh`)
  yield* say("\nDone.")
})

/** The example against the target the environment names (a sandbox). */
export const main = multiCreator.pipe(
  Effect.provide(
    FanGroupApi.layer.pipe(
      Layer.provide(DouyinClient.layer),
      // The transcript shows each request as it is sent: no retry, no limit.
      Layer.provide(Retry.layerDisabled),
      Layer.provide(RateLimit.layerDisabled),
      Layer.provide(AccessToken.layerStore()),
      Layer.provideMerge(TokenStore.layerMemory()),
      Layer.provideMerge(OAuthLive),
      Layer.provideMerge(Target.layerTransport())
    )
  )
)

if (Target.isMain(import.meta.url)) NodeRuntime.runMain(main)
