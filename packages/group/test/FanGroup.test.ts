import { describe, expect, it } from "@effect/vitest"
import { Either, Schema } from "effect"
import { FanGroup } from "../src/index.js"

describe("FanGroup enums", () => {
  const roundTrips = <A, I>(schema: Schema.Schema<A, I>, pairs: ReadonlyArray<readonly [NoInfer<A>, NoInfer<I>]>) => {
    for (const [domain, wire] of pairs) {
      expect(Schema.encodeSync(schema)(domain)).toStrictEqual(wire)
      expect(Schema.decodeUnknownSync(schema)(wire)).toStrictEqual(domain)
    }
  }

  it("map to their documented wire codes", () => {
    roundTrips(FanGroup.GroupType, [["streamer", 2], ["tenThousandFans", 5]])
    roundTrips(FanGroup.SettingType, [["welcome", 1], ["notice", 2]])
    roundTrips(FanGroup.ReviewDecision, [["approve", 2], ["reject", 3]])
    roundTrips(FanGroup.ApplicationStatus, [["pending", 1], ["approved", 2], ["rejected", 3]])
    roundTrips(FanGroup.RelationType, [
      ["none", 0],
      ["follower", 1],
      ["followerOver7Days", 7],
      ["followerOver30Days", 30],
      ["followerOver60Days", 60]
    ])
  })

  it("request-side enums are strict", () => {
    expect(Either.isLeft(Schema.encodeUnknownEither(FanGroup.ReviewDecision)("pending"))).toBe(true)
    expect(Either.isLeft(Schema.decodeUnknownEither(FanGroup.ReviewDecision)(4))).toBe(true)
    expect(Either.isLeft(Schema.encodeUnknownEither(FanGroup.GroupType)("ordinary"))).toBe(true)
    expect(Either.isLeft(Schema.decodeUnknownEither(FanGroup.FansLevel)(2))).toBe(true)
  })

  it("response-side enums keep unknown values as sent", () => {
    expect(Schema.decodeUnknownSync(FanGroup.GroupTypeFromWire)(3)).toBe(3)
    expect(Schema.decodeUnknownSync(FanGroup.ApplicationStatusFromWire)(4)).toBe(4)
    expect(Schema.decodeUnknownSync(FanGroup.GroupStatusFromWire)("Frozen")).toBe("Frozen")
    expect(Schema.decodeUnknownSync(FanGroup.GroupStatusFromWire)("Ban")).toBe("Ban")
  })
})
