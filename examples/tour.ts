/**
 * `pnpm tour`: the whole fan-group lifecycle, printed as a transcript.
 *
 *   quota → create → list → welcome message → send text, upload a poster, make a card
 *   template, send the card → recall
 *   → join applications listed through the Stream and reviewed
 *
 * Target (see support/Target.ts): an embedded sandbox by default (no credentials);
 * `DOUYIN_BASE_URL=<url>` → a running `pnpm sandbox`; `DOUYIN_ACCESS_TOKEN` + `DOUYIN_OPEN_ID`
 * → the real API, read-only unless `--allow-writes`.
 */
import * as NodeRuntime from "@effect/platform-node/NodeRuntime"
import {
  CreateFanGroup,
  FanGroupQuota,
  ListEntryApplications,
  ListFanGroups,
  MessageContent,
  RecallGroupMessage,
  ReviewEntryApplication,
  SendGroupMessage,
  SetAppletTemplate,
  SetGroupSetting,
  UploadImage
} from "@effect-douyin/group"
import { Console, Effect, Option, Stream } from "effect"
import * as Target from "./support/Target.js"

/** A 1×1 PNG: the tour's poster. */
const tourPoster = Uint8Array.from(
  atob("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="),
  (c) => c.charCodeAt(0)
)

const say = (line = "") => Console.log(line)
const step = (n: number, title: string) => say(`\n${n}. ${title}`)
const skipped = (what: string) => say(`   skipped (${what}): read-only run, pass --allow-writes`)

/** Creates a group; a spent quota is not fatal: the typed error is caught and reported. */
const createGroup = (openId: string, groupName: string) =>
  CreateFanGroup.create({
    openId,
    groupName,
    description: "Made by the effect-douyin tour",
    avatarUri: "https://example.com/effect-fans.png",
    groupType: "streamer",
    openAuditSwitch: true
  }).pipe(
    Effect.tap(({ groupId }) => say(`   POST /im/group/fans/create/  "${groupName}" → group_id ${groupId}`)),
    Effect.map(({ groupId }) => Option.some(groupId)),
    Effect.catchTag("DouyinQuotaError", (e) =>
      Effect.as(
        say(`   POST /im/group/fans/create/  "${groupName}" → DouyinQuotaError ${e.code} (${e.description}), caught: carrying on`),
        Option.none<string>()
      ))
  )

/** The tour itself; needs the endpoint services and a `Target`. */
export const tour = Effect.gen(function*() {
  const target = yield* Target.Target
  const { admin, allowWrites, openId } = target
  yield* say("effect-douyin tour")
  yield* say(`target:   ${target.description}`)
  yield* say(`operator: open_id ${openId}`)
  // On a sandbox, allow exactly one new group, so the second attempt meets the quota.
  if (Option.isSome(admin)) yield* admin.value.setQuota(openId, 1)

  yield* step(1, "Quota")
  const { leftCount } = yield* FanGroupQuota.remaining({ openId })
  yield* say(`   GET /im/group/count/  → ${leftCount} more group(s) may be created`)

  yield* step(2, "Create a fan group")
  let created = Option.none<string>()
  if (allowWrites) {
    created = yield* createGroup(openId, "Effect fans")
    if (Option.isSome(admin)) yield* createGroup(openId, "Effect fans VIP")
  } else {
    yield* skipped("create")
  }

  yield* step(3, "List my fan groups")
  const { groups } = yield* ListFanGroups.list({ openId })
  for (const g of groups) {
    yield* say(`   ${g.groupId}  "${g.groupName}"  ${g.status ?? "?"}  ${g.existNum ?? "?"}/${g.maxNum ?? "?"} members`)
  }
  if (groups.length === 0) yield* say("   (none)")
  const groupId = Option.getOrElse(created, () => groups[0]?.groupId)
  if (groupId === undefined) {
    yield* say("\nNo group to continue with: done.")
    return
  }

  yield* step(4, "Welcome message")
  if (allowWrites) {
    yield* SetGroupSetting.set({
      openId,
      groupId,
      settingType: "welcome",
      messages: [MessageContent.text("Welcome! Live every Friday at 8pm.")]
    })
    yield* say(`   POST /im/group/setting/set/  welcome text set on ${groupId}`)
  } else {
    yield* skipped("welcome message")
  }

  yield* step(5, "Send a text and a card")
  if (allowWrites) {
    const text = yield* SendGroupMessage.send({
      openId,
      groupId,
      content: MessageContent.text("Hello fans! New video is out.")
    })
    yield* say(`   POST /im/send/msg/group/  text → msg_id ${text.msgId}`)
    // A card needs a template, and a template an uploaded image (the app's client token).
    const poster = yield* UploadImage.upload({ image: tourPoster })
    yield* say(`   POST /tool/imagex/client_upload/  poster ${poster.width}×${poster.height} → image_id ${poster.imageId}`)
    const { cardTemplateId } = yield* SetAppletTemplate.set({
      title: "Effect shop",
      content: "Tap to open the shop",
      mediaId: poster.imageId,
      appId: "tt-tour-app"
    })
    yield* say(`   POST /api/douyin/v1/im/set_applet_template/  → card_template_id ${cardTemplateId}`)
    const card = yield* SendGroupMessage.send({
      openId,
      groupId,
      content: MessageContent.appletTemplateCard(cardTemplateId, { appId: "tt-tour-app", path: "pages/shop" })
    })
    yield* say(`   POST /im/send/msg/group/  applet card → msg_id ${card.msgId}`)

    yield* step(6, "Recall the text")
    yield* RecallGroupMessage.recall({ openId, msgId: text.msgId, conversationId: groupId })
    yield* say(`   POST /im/recall/msg/  ${text.msgId} recalled`)
  } else {
    yield* skipped("send")
    yield* step(6, "Recall the text")
    yield* skipped("recall")
  }

  yield* step(7, "Join applications")
  if (Option.isSome(admin)) {
    for (const fan of ["fan-alice", "fan-bob", "fan-carol"]) {
      yield* admin.value.applyToJoin({ groupId, userId: fan })
    }
    yield* say("   (sandbox: fan-alice, fan-bob and fan-carol applied to join)")
  }
  const applications = yield* ListEntryApplications.stream({ openId, count: 2 }).pipe(
    Stream.filter((a) => a.groupId === groupId || Option.isNone(admin)),
    Stream.runCollect
  )
  yield* say(`   GET /im/group/enter/audit/get/  (Stream, pages of 2) → ${applications.length} application(s)`)
  const pending = Array.from(applications).filter((a) => a.applyStatus === "pending")
  for (const [i, a] of pending.entries()) {
    const decision = i < pending.length - 1 ? "approve" : "reject"
    if (!allowWrites) {
      yield* say(`   ${a.userId} pending (not reviewed: read-only run)`)
      continue
    }
    yield* ReviewEntryApplication.review({ openId, applyId: a.applyId, decision })
    yield* say(`   POST /im/group/enter/audit/set/  ${a.userId} → ${decision === "approve" ? "approved" : "rejected"}`)
  }

  yield* step(8, "Where we ended")
  const after = (yield* ListFanGroups.list({ openId })).groups.find((g) => g.groupId === groupId)
  yield* say(
    `   "${after?.groupName}" has ${after?.existNum ?? "?"} member(s); ${
      (yield* FanGroupQuota.remaining({ openId })).leftCount
    } group(s) of quota left`
  )
  yield* say("\nDone.")
})

/** The tour against the target the environment names. */
export const main = (argv: ReadonlyArray<string>) =>
  tour.pipe(Effect.provide(Target.layerApi({ allowWrites: argv.includes("--allow-writes") })))

if (Target.isMain(import.meta.url)) NodeRuntime.runMain(main(process.argv.slice(2)))
