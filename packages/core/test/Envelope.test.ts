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

  // A body whose codes are numbers is read without Schema; the same body with its codes as
  // numeric strings can only go through Schema. Both must give the same status, and a body
  // that is no envelope must be refused on either path.
  const codesAsStrings = (u: unknown): unknown =>
    Array.isArray(u)
      ? u.map(codesAsStrings)
      : typeof u === "object" && u !== null
      ? Object.fromEntries(
        Object.entries(u).map(([k, v]) => [k, typeof v === "number" && /code|now|err_no/.test(k) ? String(v) : codesAsStrings(v)])
      )
      : u
  const bodies: ReadonlyArray<readonly [Envelope.Kind, string]> = [
    ["A", Samples.countResponse],
    ["A", Samples.createResponse],
    ["A", Samples.fansListResponse],
    ["A", Samples.auditListResponse],
    ["A", Samples.sendResponse],
    ["A", Samples.envelopeAError],
    ["A", `{"data":{"error_code":0,"description":null},"extra":null}`],
    ["A", `{"data":null,"extra":{"error_code":2190008,"sub_error_code":7,"sub_description":"expired","log_id":"L"}}`],
    ["A", `{"data":{"error_code":2100004,"description":""},"extra":{"error_code":0,"logid":"","log_id":"L2","now":1}}`],
    ["A", `{"left_count":3}`],
    ["B", Samples.envelopeBSuccess],
    ["B", `{"err_no":2100004,"err_msg":null}`],
    ["C", Samples.clientTokenResponse],
    ["C", Samples.accessTokenResponse],
    ["C", `{"data":{"error_code":10010,"description":"refresh expired","log_id":"L3"},"message":"error","extra":{"logid":"L4"}}`]
  ]
  it.each(bodies)("reads a type-%s body in decoded form as Schema decodes it: %s", (kind, text) => {
    const body = JSON.parse(text)
    const viaSchema = Envelope.status(kind, codesAsStrings(body))
    expect(Either.isRight(viaSchema)).toBe(true)
    expect(Envelope.status(kind, body)).toEqual(viaSchema)
  })

  it.each(
    [
      ["A", `{"data":{"error_code":0,"description":5}}`],
      ["A", `{"data":[],"extra":{"logid":"L"}}`],
      ["A", `{"data":{"error_code":0},"extra":{"logid":7}}`],
      ["A", `{"extra":{"now":true}}`],
      ["B", `{"err_no":0,"log_id":{}}`],
      ["B", `{"err_msg":"no code"}`],
      ["C", `{"data":{"error_code":0},"message":1}`],
      ["C", `{"data":null}`]
    ] as const
  )("refuses a type-%s body of the wrong shape: %s", (kind, text) => {
    expect(Either.isLeft(Envelope.status(kind, JSON.parse(text)))).toBe(true)
  })
})
