import { describe, expect, it } from "@effect/vitest"
import { Either, Schema } from "effect"
import { MessageContent } from "../src/index.js"

// Every variant with its documented wire shape (docs/wire.md#message-content): msg_type + only its own key.
const cases: ReadonlyArray<readonly [string, MessageContent.MessageContent, unknown]> = [
  ["text", MessageContent.text("66666"), { msg_type: 1, text: { text: "66666" } }],
  ["image", MessageContent.image("@aaaa"), { msg_type: 2, image: { media_id: "@aaaa" } }],
  ["video", MessageContent.video("@item=="), { msg_type: 3, video: { item_id: "@item==" } }],
  ["leadCard", MessageContent.leadCard("@card=="), { msg_type: 8, retain_consult_card: { card_id: "@card==" } }],
  [
    "appletCard (schema)",
    MessageContent.appletCard({
      cardTemplateId: "@4F8C…",
      schema: "https://z.douyin.com/lktwYRo",
      appId: "ttfa398c06e94401"
    }),
    {
      msg_type: 10,
      applet_card: { card_template_id: "@4F8C…", schema: "https://z.douyin.com/lktwYRo", app_id: "ttfa398c06e94401" }
    }
  ],
  [
    "appletCard (path, query, card id)",
    MessageContent.appletCard({
      cardTemplateId: "@tpl",
      appId: "tt123",
      path: "pages/index",
      query: { from: "group", id: 7 },
      cardId: "@c"
    }),
    {
      msg_type: 10,
      applet_card: {
        card_template_id: "@tpl",
        app_id: "tt123",
        path: "pages/index",
        query: "{\"from\":\"group\",\"id\":7}",
        card_id: "@c"
      }
    }
  ],
  [
    "appletCoupon",
    MessageContent.appletCoupon({ activityId: 7001, couponMetaId: 9002 }),
    { msg_type: 11, applet_coupon: { activity_id: 7001, coupon_meta_id: 9002 } }
  ]
]

const sendAllowed = new Set([1, 2, 3, 8, 10])
const settingAllowed = new Set([1, 10, 11])

describe("MessageContent", () => {
  for (const [name, content, wire] of cases) {
    it(`${name} encodes to its documented wire shape and decodes back`, () => {
      const encoded = Schema.encodeSync(MessageContent.MessageContent)(content)
      expect(encoded).toStrictEqual(wire)
      expect(Schema.decodeUnknownSync(MessageContent.MessageContent)(wire)).toStrictEqual(content)
    })

    it(`${name} is accepted exactly where the docs allow it`, () => {
      const msgType = (wire as { msg_type: number }).msg_type
      const send = Schema.encodeEither(MessageContent.GroupMessageContent)(content as any)
      const setting = Schema.encodeEither(MessageContent.SettingMessageContent)(content as any)
      expect(Either.isRight(send)).toBe(sendAllowed.has(msgType))
      expect(Either.isRight(setting)).toBe(settingAllowed.has(msgType))
      if (Either.isRight(send)) expect(send.right).toStrictEqual(wire)
      if (Either.isRight(setting)) expect(setting.right).toStrictEqual(wire)
      // and the same on the decoding side
      expect(Either.isRight(Schema.decodeUnknownEither(MessageContent.GroupMessageContent)(wire)))
        .toBe(sendAllowed.has(msgType))
      expect(Either.isRight(Schema.decodeUnknownEither(MessageContent.SettingMessageContent)(wire)))
        .toBe(settingAllowed.has(msgType))
    })
  }

  it("decoding ignores the other variants' keys (the Go client sends them all, empty)", () => {
    const goStyle = {
      msg_type: 2,
      text: { text: "" },
      image: { media_id: "@img" },
      video: { item_id: "" },
      retain_consult_card: { card_id: "" }
    }
    expect(Schema.decodeUnknownSync(MessageContent.GroupMessageContent)(goStyle)).toStrictEqual(
      MessageContent.image("@img")
    )
  })

  it("types: each endpoint's content type admits only its variants", () => {
    const forSend: ReadonlyArray<MessageContent.GroupMessageContent> = [
      MessageContent.text("a"),
      MessageContent.image("b"),
      MessageContent.video("c"),
      MessageContent.leadCard("d"),
      MessageContent.appletCard({ cardTemplateId: "t", appId: "a" }),
      // @ts-expect-error coupons are not group messages
      MessageContent.appletCoupon({ activityId: 1, couponMetaId: 2 })
    ]
    const forSetting: ReadonlyArray<MessageContent.SettingMessageContent> = [
      MessageContent.text("a"),
      MessageContent.appletCard({ cardTemplateId: "t", appId: "a" }),
      MessageContent.appletCoupon({ activityId: 1, couponMetaId: 2 }),
      // @ts-expect-error images are not welcome messages / notices
      MessageContent.image("b"),
      // @ts-expect-error videos are not welcome messages / notices
      MessageContent.video("c"),
      // @ts-expect-error lead cards are not welcome messages / notices
      MessageContent.leadCard("d")
    ]
    expect(forSend).toHaveLength(6)
    expect(forSetting).toHaveLength(6)
  })

  it("invalid contents fail to encode", () => {
    const bad: ReadonlyArray<unknown> = [
      MessageContent.text(""),
      MessageContent.image(" "),
      MessageContent.video(""),
      MessageContent.leadCard(""),
      MessageContent.appletCard({ cardTemplateId: "", appId: "a" }),
      MessageContent.appletCard({ cardTemplateId: "t", appId: "a", path: "p", schema: "s" }),
      MessageContent.appletCoupon({ activityId: 0, couponMetaId: 1 }),
      MessageContent.appletCoupon({ activityId: 1, couponMetaId: 1.5 }),
      { _tag: "Sticker", id: "x" }
    ]
    for (const content of bad) {
      expect(Either.isLeft(Schema.encodeUnknownEither(MessageContent.MessageContent)(content))).toBe(true)
    }
  })

  it("free text keeps its whitespace; only blank text is rejected", () => {
    expect(Schema.encodeSync(MessageContent.GroupMessageContent)(MessageContent.text(" line 1\nline 2\n")))
      .toStrictEqual({ msg_type: 1, text: { text: " line 1\nline 2\n" } })
    expect(Either.isLeft(Schema.encodeEither(MessageContent.GroupMessageContent)(MessageContent.text(" \n ")))).toBe(true)
  })

  it("a malformed applet card query is a parse failure, not a defect", () => {
    const wire = { msg_type: 10, applet_card: { card_template_id: "t", app_id: "a", query: "a=1&b=2" } }
    expect(Either.isLeft(Schema.decodeUnknownEither(MessageContent.MessageContent)(wire))).toBe(true)
  })

  it("an unknown msg_type fails to decode", () => {
    expect(
      Either.isLeft(Schema.decodeUnknownEither(MessageContent.MessageContent)({ msg_type: 9, group_invitation: {} }))
    ).toBe(true)
  })
})
