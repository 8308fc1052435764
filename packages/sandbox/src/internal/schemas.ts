/**
 * The admin API's schemas: a seed, a fault as JSON, a clock step, and the request union of
 * `POST /sandbox/admin` (documented where the public module re-exports them).
 */
import * as Duration from "effect/Duration"
import * as Schema from "effect/Schema"

/** Creators who have authorized the app, with their token, quota and groups (wire field names). */
export const Seed = Schema.Struct({
  creators: Schema.Array(Schema.Struct({
    open_id: Schema.NonEmptyTrimmedString,
    access_token: Schema.optional(Schema.NonEmptyTrimmedString),
    quota: Schema.optional(Schema.Int.pipe(Schema.nonNegative())),
    groups: Schema.optional(Schema.Array(Schema.Struct({
      group_name: Schema.NonEmptyTrimmedString,
      description: Schema.optional(Schema.String),
      avatar_uri: Schema.optional(Schema.String),
      group_type: Schema.optional(Schema.Literal(2, 5)),
      open_audit_switch: Schema.optional(Schema.Literal(0, 1)),
      members: Schema.optional(Schema.Int.pipe(Schema.positive()))
    })))
  }))
})

export type Seed = typeof Seed.Type

/** A fault as the admin API takes it (`inject`); `times` `null` means for ever. */
export const FaultSchema = Schema.Struct({
  kind: Schema.Literal("Busy", "TokenExpired", "Drop", "HttpStatus", "Latency"),
  times: Schema.optional(Schema.NullOr(Schema.Number)),
  route: Schema.optional(Schema.String),
  executed: Schema.optional(Schema.Boolean),
  status: Schema.optional(Schema.Number),
  body: Schema.optional(Schema.String),
  millis: Schema.optional(Schema.Number)
})

/**
 * A forward step of the clock in ms, or `undefined` when `by` is not a finite duration or points
 * backwards (Effect's `Duration` would read a negative number or `"-5 days"` as zero).
 */
export const clockStepMillis = (by: unknown): number | undefined => {
  if (typeof by === "number" && !(by >= 0)) return undefined
  if (typeof by === "string" && by.trim().startsWith("-")) return undefined
  const d = Duration.decodeUnknown(by)
  return d._tag === "Some" && Duration.isFinite(d.value) ? Duration.toMillis(d.value) : undefined
}

/** How far `advanceClock` moves the clock: milliseconds, or a duration (`"16 days"`). */
export const ClockStep = Schema.Union(
  Schema.Number.pipe(Schema.finite(), Schema.nonNegative()),
  Schema.String.pipe(
    Schema.filter((s) => clockStepMillis(s) === undefined ? "a duration such as \"16 days\" or \"90 minutes\"" : undefined)
  )
)

/** The body of `POST /sandbox/admin`: one operation. */
export const AdminRequest = Schema.Union(
  Schema.Struct({ op: Schema.Literal("applyToJoin"), groupId: Schema.String, userId: Schema.optional(Schema.String) }),
  Schema.Struct({ op: Schema.Literal("authorize"), openId: Schema.String, scope: Schema.optional(Schema.String) }),
  Schema.Struct({
    op: Schema.Literal("registerToken"),
    openId: Schema.String,
    token: Schema.String,
    expiresInMillis: Schema.optional(Schema.Number)
  }),
  Schema.Struct({ op: Schema.Literal("expireTokens"), openId: Schema.String }),
  Schema.Struct({ op: Schema.Literal("revokeAuthorization"), openId: Schema.String }),
  Schema.Struct({ op: Schema.Literal("advanceClock"), by: ClockStep }),
  Schema.Struct({ op: Schema.Literal("setQuota"), openId: Schema.String, left: Schema.Number }),
  Schema.Struct({ op: Schema.Literal("inject"), fault: FaultSchema }),
  Schema.Struct({ op: Schema.Literal("clearFaults") }),
  Schema.Struct({ op: Schema.Literal("snapshot") }),
  Schema.Struct({ op: Schema.Literal("seed"), seed: Seed }),
  Schema.Struct({
    op: Schema.Literal("postAsMember"),
    groupId: Schema.String,
    userId: Schema.optional(Schema.String),
    text: Schema.String
  }),
  Schema.Struct({ op: Schema.Literal("deliveries") }),
  Schema.Struct({ op: Schema.Literal("reset") })
)

export type AdminRequest = typeof AdminRequest.Type
