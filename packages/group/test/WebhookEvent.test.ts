import { describe, expect, it } from "@effect/vitest"
import { WebhookEvent } from "../src/index.js"
import { enterGroupAuditChange, groupFansEvent, imGroupReceiveMsg, textMessage, verifyVector } from "./fixtures/webhookSamples.js"

const decodeText = (text: string) => WebhookEvent.decode(JSON.parse(text))

const messageContent = {
  conversation_short_id: "@conv==",
  server_message_id: "@m==",
  conversation_type: 2,
  create_time: 1700000000000
}

const messageEvent = (content: Record<string, unknown> | string, event = "im_group_receive_msg") => ({
  event,
  client_key: "ck",
  from_user_id: "from",
  to_user_id: "to",
  content
})

describe("WebhookEvent.decode: recorded samples (docs/wire.md#recorded-samples)", () => {
  it("group_fans_event with JSON-string content and create_group_type as a string", () => {
    const event = decodeText(groupFansEvent)
    expect(event).toEqual({
      _tag: "GroupFanJoined",
      event: "group_fans_event",
      clientKey: "gjegd89bebgd9uehd",
      fromUserId: "500a9e2f-ca96-4225-865d-a341914502ae",
      toUserId: "a70c3dde-d0f3-45b3-828e-0f1a81cd5245",
      logId: "02168172039281400000000000000000000ffff0ac64157ea0731",
      content: {
        openId: "500a9e2f-ca96-4225-865d-a341914502ae",
        imGroupId: "@9VxQh6rG…==",
        groupType: "joined",
        createGroupType: "tenThousandFans",
        createTime: 1681720393151
      },
      // named by role: the envelope's direction, documented for this event
      ownerOpenId: "a70c3dde-d0f3-45b3-828e-0f1a81cd5245",
      memberOpenId: "500a9e2f-ca96-4225-865d-a341914502ae"
    })
  })

  it("enter_group_audit_change with JSON-string content (user_nicker → userNickname)", () => {
    const event = decodeText(enterGroupAuditChange)
    expect(event).toEqual({
      _tag: "EntryApplicationChanged",
      event: "enter_group_audit_change",
      clientKey: "awipqx94gnfz3rtg",
      fromUserId: "6ff2569e-1a9d-4e94-92ee-8fb495515c9y",
      toUserId: "6cb06b1b-1069-465b-8fba-e1c55f30ab4n",
      content: {
        groupId: "@9VwN…==",
        applyId: "@9VwN…==",
        applyStatus: "approved",
        userNickname: "12342429747",
        userAvatar: "https://p3.douyinpic.com/…",
        createTime: 1679638889110
      },
      ownerOpenId: "6cb06b1b-1069-465b-8fba-e1c55f30ab4n",
      applicantOpenId: "6ff2569e-1a9d-4e94-92ee-8fb495515c9y"
    })
  })

  it("im_group_receive_msg with object content, an emoji message", () => {
    const event = decodeText(imGroupReceiveMsg)
    expect(event._tag).toBe("GroupMessageReceived")
    if (event._tag !== "GroupMessageReceived") return
    expect(event.content).toEqual({
      _tag: "Emoji",
      conversationShortId: "@c29bfc000+MNgg…==",
      serverMessageId: "@c29bfc000+MNgg…==",
      conversationType: 2,
      createTime: 1656671771668,
      messageType: "emoji",
      resourceType: "gif",
      resourceWidth: 450,
      resourceHeight: 450,
      resourceUrl: ""
    })
  })

  it("verify_webhook from the §7.1 vector", () => {
    const event = decodeText(verifyVector.body)
    expect(event).toEqual({
      _tag: "VerifyWebhook",
      event: "verify_webhook",
      clientKey: "abc",
      content: { challenge: 12345 }
    })
  })
})

describe("WebhookEvent.decode: variants and leniency", () => {
  it("the same message as object content and as JSON-string content decodes alike", () => {
    const asObject = WebhookEvent.decode(messageEvent({ ...messageContent, message_type: "text", text: "hi" }))
    const asString = WebhookEvent.decode(
      messageEvent(JSON.stringify({ ...messageContent, message_type: "text", text: "hi" }))
    )
    expect(asObject._tag).toBe("GroupMessageReceived")
    expect(asString).toEqual(asObject)
  })

  it("a text message with every common field, camelCase", () => {
    const event = decodeText(textMessage("hello"))
    if (event._tag !== "GroupMessageReceived") throw new Error(`got ${event._tag}`)
    expect(event.logId).toBe("20240101000000WEBHOOK000000000000")
    expect(event.ownerOpenId).toBe("owner-open-id") // content.owner_id
    expect(event.senderOpenId).toBe(event.fromUserId)
    expect(event.content).toEqual({
      _tag: "Text",
      messageType: "text",
      text: "hello",
      conversationShortId: "@conv==",
      serverMessageId: "@msg-1==",
      conversationType: 2,
      createTime: 1700000000000,
      ownerId: "owner-open-id",
      sceneType: "other",
      source: "",
      userInfos: [{ openId: "member-open-id", nickName: "Ann", avatar: "https://a/1.png" }]
    })
  })

  it("numbers that arrive as strings are numbers", () => {
    const event = WebhookEvent.decode(
      messageEvent({
        ...messageContent,
        conversation_type: "2",
        create_time: "1700000000000",
        message_type: "image",
        resource_width: "10",
        resource_height: "20"
      })
    )
    if (event._tag !== "GroupMessageReceived" || event.content._tag !== "Image") throw new Error("not an image")
    expect(event.content.conversationType).toBe(2)
    expect(event.content.createTime).toBe(1700000000000)
    expect(event.content.resourceWidth).toBe(10)
    expect(event.content.resourceHeight).toBe(20)
  })

  it("video, lead card and other message types; null optional fields", () => {
    const video = WebhookEvent.decode(messageEvent({ ...messageContent, message_type: "video", item_id: "@item" }))
    expect(video._tag === "GroupMessageReceived" && video.content).toMatchObject({ _tag: "Video", itemId: "@item" })

    const card = WebhookEvent.decode(
      messageEvent(
        {
          ...messageContent,
          message_type: "retain_consult_card",
          card_id: "@card",
          card_status: 2,
          card_data: [{ label: "phone", value: "123" }],
          user_infos: null
        },
        "im_group_send_msg"
      )
    )
    expect(card._tag).toBe("GroupMessageSent")
    expect(card._tag === "GroupMessageSent" && card.content).toEqual({
      _tag: "RetainConsultCard",
      ...{ conversationShortId: "@conv==", serverMessageId: "@m==", conversationType: 2, createTime: 1700000000000 },
      messageType: "retain_consult_card",
      cardId: "@card",
      cardStatus: "completed",
      cardData: [{ label: "phone", value: "123" }]
    })

    const other = WebhookEvent.decode(messageEvent({ ...messageContent, message_type: "user_local_video", vid: 1 }))
    expect(other._tag === "GroupMessageReceived" && other.content).toMatchObject({
      _tag: "Other",
      messageType: "user_local_video"
    })
  })

  it("an unknown event is a typed UnknownEvent carrying the payload", () => {
    const payload = { event: "im_receive_msg", client_key: "ck", content: { whatever: true } }
    expect(WebhookEvent.decode(payload)).toEqual({
      _tag: "UnknownEvent",
      event: "im_receive_msg",
      clientKey: "ck",
      payload
    })
  })

  it("a known event with fields that do not match is a MalformedEvent with an issue (not an UnknownEvent), never a crash", () => {
    const textWithoutText = messageEvent({ ...messageContent, message_type: "text" })
    const event = WebhookEvent.decode(textWithoutText)
    expect(event._tag).toBe("MalformedEvent")
    if (event._tag !== "MalformedEvent") return
    expect(event.event).toBe("im_group_receive_msg")
    expect(event.payload).toBe(textWithoutText)
    expect(event.issue).toContain("text")

    const badStatus = WebhookEvent.decode({
      event: "enter_group_audit_change",
      client_key: "ck",
      from_user_id: "a",
      to_user_id: "b",
      content: "{\"group_id\":\"g\",\"apply_id\":\"a\",\"apply_status\":9,\"create_time\":1}"
    })
    expect(badStatus).toMatchObject({ _tag: "MalformedEvent", event: "enter_group_audit_change", clientKey: "ck" })

    const brokenJsonContent = WebhookEvent.decode({ ...messageEvent("{not json"), event: "group_fans_event" })
    expect(brokenJsonContent).toMatchObject({ _tag: "MalformedEvent", event: "group_fans_event" })
  })

  it("bodies without an event name are UnknownEvent too", () => {
    for (const payload of [null, 42, "x", [], {}, { event: 7 }]) {
      expect(WebhookEvent.decode(payload)).toMatchObject({ _tag: "UnknownEvent", event: "", payload })
    }
    // inherited property names are not event names
    expect(WebhookEvent.decode({ event: "toString" })).toMatchObject({ _tag: "UnknownEvent", event: "toString" })
  })

  it("encode gives the wire JSON back (decode ∘ encode = id)", () => {
    for (const sample of [groupFansEvent, enterGroupAuditChange, imGroupReceiveMsg, textMessage("x"), verifyVector.body]) {
      const event = decodeText(sample)
      if (event._tag === "UnknownEvent" || event._tag === "MalformedEvent") throw new Error(sample)
      const wire = WebhookEvent.encode(event) as Record<string, unknown>
      expect(typeof wire.content).toBe("object")
      expect(WebhookEvent.decode(wire)).toEqual(event)
    }
  })
})
