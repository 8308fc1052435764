import { describe, expect, it } from "@effect/vitest"
import { Either } from "effect"
import { Envelope } from "../src/index.js"
import * as Samples from "./fixtures/samples.js"

const statusOf = (kind: Envelope.Kind, text: string) => Either.getOrThrow(Envelope.status(kind, JSON.parse(text)))

describe("Envelope", () => {
  it.each([
    ["count", Samples.countResponse, "2022102611544501014017115714020A20"],
    ["create", Samples.createResponse, "021648797449846fd1b1111000700600000000000000086dfb920"],
    ["fans list", Samples.fansListResponse, "021648797449846fd1b1111000700600000000000000086dfb920"],
    ["audit list", Samples.auditListResponse, "20230222103211977B5DF3F5230D43A615"],
    ["audit set", Samples.auditSetResponse, "20230221211048A33CA419CE0F8E1B4899"],
    ["send", Samples.sendResponse, "021648797449846fd1b1111000700600000000000000086dfb920"]
  ])("decodes the recorded %s sample as an envelope-A success", (_, text, logId) => {
    expect(statusOf("A", text)).toEqual({ code: 0, subCode: undefined, description: "", logId })
  })

  it("decodes the recorded envelope-B success", () => {
    expect(statusOf("B", Samples.envelopeBSuccess)).toEqual({
      code: 0,
      subCode: undefined,
      description: "",
      logId: "2023042115304501022811806509700000"
    })
  })

  it("reads the code and the log_id spelling of the recorded envelope-A error", () => {
    expect(statusOf("A", Samples.envelopeAError)).toEqual({
      code: 2100005,
      subCode: undefined,
      description: "Parameter error",
      logId: "2020070614111601022506808001045D59"
    })
  })

  it.each([
    ["client_token", Samples.clientTokenResponse, undefined],
    ["access_token", Samples.accessTokenResponse, "20230525105733ED3ED7AC56A******"]
  ])("decodes the recorded %s sample as an envelope-C success", (_, text, logId) => {
    expect(statusOf("C", text)).toMatchObject({ code: 0, logId })
  })

  it("accepts codes given as numeric strings in every envelope", () => {
    expect(
      statusOf(
        "A",
        `{"data":{"error_code":"2190008","description":"expired"},"extra":{"error_code":"2190008","sub_error_code":"7","logid":"L1"}}`
      )
    )
      .toEqual({ code: 2190008, subCode: 7, description: "expired", logId: "L1" })
    expect(statusOf("B", `{"err_no":"2100004","err_msg":"busy","log_id":"L2"}`).code).toBe(2100004)
    expect(statusOf("C", `{"data":{"error_code":"10010","description":"refresh expired"},"message":"error"}`).code).toBe(10010)
  })

  it("tolerates a missing extra and unknown fields", () => {
    expect(statusOf("A", `{"data":{"error_code":0},"left_count":3,"something_new":{"x":1}}`).code).toBe(0)
    expect(statusOf("A", `{"data":{"error_code":0,"description":""},"extra":{"logid":"L","future":true}}`).logId).toBe("L")
  })

  it("sees a failure reported only in extra", () => {
    expect(statusOf("A", `{"data":{"error_code":0},"extra":{"error_code":2100004,"description":"busy","logid":"L"}}`).code)
      .toBe(2100004)
  })

  it("rejects bodies that are no envelope of the kind", () => {
    expect(Either.isLeft(Envelope.status("B", { data: {} }))).toBe(true)
    expect(Either.isLeft(Envelope.status("A", [1, 2]))).toBe(true)
    expect(Either.isLeft(Envelope.status("A", { data: { error_code: "abc" } }))).toBe(true)
    expect(Either.isLeft(Envelope.status("C", { message: "success" }))).toBe(true)
  })
})
