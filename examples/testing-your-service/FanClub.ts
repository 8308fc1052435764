/**
 * A small service of *your* application on the whole stack: creators connect (the OAuth code
 * from the consent redirect becomes stored tokens), announcements go to all of a creator's fan
 * groups, and join applications are approved from the webhook. `FanClub.test.ts` tests all of
 * it against `SandboxTest.layer()` alone (tokens, OAuth, webhooks included), under `TestClock`.
 */
import type { OAuth } from "@effect-douyin/core"
import { TokenStore } from "@effect-douyin/core"
import { ListFanGroups, MessageContent, ReviewEntryApplication, SendGroupMessage } from "@effect-douyin/group"
import type { WebhookHandler } from "@effect-douyin/group"
import { Effect } from "effect"

/** A creator granted access: keep their tokens (refreshed by the SDK from then on). */
export const connect = (
  code: string
): Effect.Effect<{ readonly openId: string }, OAuth.OAuthError | TokenStore.TokenStoreError, OAuth.OAuth | TokenStore.TokenStore> =>
  Effect.map(TokenStore.authorize(code), (token) => ({ openId: token.openId }))

/** One announcement to every fan group the creator owns; the message ids, per group. */
export const announce = (openId: string, text: string) =>
  Effect.gen(function*() {
    const { groups } = yield* ListFanGroups.list({ openId })
    return yield* Effect.forEach(groups, (group) =>
      Effect.map(
        SendGroupMessage.send({ openId, groupId: group.groupId, content: MessageContent.text(text) }),
        ({ msgId }) => ({ groupId: group.groupId, msgId })
      ))
  })

/** The webhook side: every pending join application is approved for the group's owner. */
export const handlers: WebhookHandler.Handlers<ReviewEntryApplication.ReviewEntryApplication> = {
  EntryApplicationChanged: (event) =>
    event.content.applyStatus === "pending"
      ? ReviewEntryApplication.review({ openId: event.ownerOpenId, applyId: event.content.applyId, decision: "approve" })
      : Effect.void
}
