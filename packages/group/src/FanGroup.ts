/**
 * The fan-group domain model: enums as literal unions with their wire codes, the
 * `FanGroup` and `EntryApplication` records, and the Schemas that map them to the
 * snake_case wire (docs/wire.md#the-nine-endpoints).
 *
 * Request-side enums are strict (a value outside the documented set is an invalid input).
 * Response-side enums are lenient: a code this SDK does not know yet is kept as the raw
 * wire value instead of failing the whole response.
 *
 * @since 0.1.0
 */
import * as Schema from "effect/Schema"
import { listOrEmpty, wireString } from "./internal/schema.js"

// ---------------------------------------------------------------------------
// enums
// ---------------------------------------------------------------------------

/**
 * Kind of fan group: `"streamer"` = 主播粉丝群 (wire `2`), `"tenThousandFans"` = 万粉群 (wire `5`).
 *
 * @since 0.1.0
 * @category enums
 */
export type GroupType = "streamer" | "tenThousandFans"

/**
 * `GroupType` ⇄ its wire code (`2` | `5`).
 *
 * @since 0.1.0
 * @category schemas
 */
export const GroupType: Schema.Schema<GroupType, 2 | 5> = Schema.transformLiterals(
  [2, "streamer"],
  [5, "tenThousandFans"]
)

/**
 * A group type as Douyin reports it: a known {@link GroupType}, or the raw code when the
 * SDK does not know it.
 *
 * @since 0.1.0
 * @category schemas
 */
export const GroupTypeFromWire: Schema.Schema<GroupType | number, number> = Schema.Union(GroupType, Schema.Number)

/**
 * Which group setting: `"welcome"` = 进群问候语 (wire `1`), `"notice"` = 群公告 (wire `2`).
 *
 * @since 0.1.0
 * @category enums
 */
export type SettingType = "welcome" | "notice"

/**
 * `SettingType` ⇄ its wire code (`1` | `2`), sent as `group_setting_type`.
 *
 * @since 0.1.0
 * @category schemas
 */
export const SettingType: Schema.Schema<SettingType, 1 | 2> = Schema.transformLiterals(
  [1, "welcome"],
  [2, "notice"]
)

/**
 * The answer to a join application: `"approve"` (wire `status: 2`) or `"reject"` (wire `3`).
 * Nothing else can be sent.
 *
 * @since 0.1.0
 * @category enums
 */
export type ReviewDecision = "approve" | "reject"

/**
 * `ReviewDecision` ⇄ its wire code (`2` | `3`).
 *
 * @since 0.1.0
 * @category schemas
 */
export const ReviewDecision: Schema.Schema<ReviewDecision, 2 | 3> = Schema.transformLiterals(
  [2, "approve"],
  [3, "reject"]
)

/**
 * State of a join application: `"pending"` (1, 申请中), `"approved"` (2), `"rejected"` (3).
 *
 * @since 0.1.0
 * @category enums
 */
export type ApplicationStatus = "pending" | "approved" | "rejected"

/**
 * `ApplicationStatus` ⇄ its wire code (`1` | `2` | `3`).
 *
 * @since 0.1.0
 * @category schemas
 */
export const ApplicationStatus: Schema.Schema<ApplicationStatus, 1 | 2 | 3> = Schema.transformLiterals(
  [1, "pending"],
  [2, "approved"],
  [3, "rejected"]
)

/**
 * An application status as Douyin reports it: known, or the raw code.
 *
 * @since 0.1.0
 * @category schemas
 */
export const ApplicationStatusFromWire: Schema.Schema<ApplicationStatus | number, number> = Schema.Union(
  ApplicationStatus,
  Schema.Number
)

/**
 * State of a group as listed: `"Normal"`, `"Ban"` (banned) or `"Full"`.
 *
 * @since 0.1.0
 * @category enums
 */
export type GroupStatus = "Normal" | "Ban" | "Full"

/**
 * The documented group states.
 *
 * @since 0.1.0
 * @category schemas
 */
export const GroupStatus: Schema.Schema<GroupStatus> = Schema.Literal("Normal", "Ban", "Full")

/**
 * A group status as Douyin reports it: one of {@link GroupStatus}, or any other string
 * unchanged (decoded leniently; the type keeps the known names for completion).
 *
 * @since 0.1.0
 * @category schemas
 */
export const GroupStatusFromWire: Schema.Schema<GroupStatus | (string & {}), string> = Schema.String as Schema.Schema<
  GroupStatus | (string & {}),
  string
>

/**
 * Entry threshold by fan-club level (`fans_limit`): `0` none, otherwise "level N and above".
 *
 * @since 0.1.0
 * @category enums
 */
export type FansLevel = 0 | 1 | 3 | 5 | 9 | 12 | 15 | 17 | 20

/**
 * The documented fan-club levels.
 *
 * @since 0.1.0
 * @category schemas
 */
export const FansLevel: Schema.Schema<FansLevel> = Schema.Literal(0, 1, 3, 5, 9, 12, 15, 17, 20)

/**
 * Entry threshold by follow relation (`relation_type`): `"none"` (0), `"follower"` (1, must
 * follow), `"followerOver7Days"` (7), `"followerOver30Days"` (30), `"followerOver60Days"` (60).
 *
 * @since 0.1.0
 * @category enums
 */
export type RelationType = "none" | "follower" | "followerOver7Days" | "followerOver30Days" | "followerOver60Days"

/**
 * `RelationType` ⇄ its wire code.
 *
 * @since 0.1.0
 * @category schemas
 */
export const RelationType: Schema.Schema<RelationType, 0 | 1 | 7 | 30 | 60> = Schema.transformLiterals(
  [0, "none"],
  [1, "follower"],
  [7, "followerOver7Days"],
  [30, "followerOver30Days"],
  [60, "followerOver60Days"]
)

// ---------------------------------------------------------------------------
// models
// ---------------------------------------------------------------------------

/**
 * `null` or absent on the wire → `[]`. The key is a literal type parameter: with a plain
 * `string` key `Schema.fromKey` would give the encoded struct an index signature, and the
 * published `.d.ts` would not type-check in a consumer with `skipLibCheck: false`.
 */
const stringList = <const K extends string>(key: K) => listOrEmpty(Schema.String).pipe(Schema.fromKey(key))

/**
 * A fan group the operator owns, as listed by `GET /im/group/fans/list/`.
 *
 * @since 0.1.0
 * @category models
 */
export interface FanGroup {
  readonly groupId: string
  readonly groupName: string
  readonly description?: string | undefined
  readonly avatarUri?: string | undefined
  readonly groupType?: GroupType | number | undefined
  readonly status?: GroupStatus | (string & {}) | undefined
  /** Human-readable entry thresholds (e.g. "无要求"); `[]` when Douyin sends `null`. */
  readonly entryLimit: ReadonlyArray<string>
  /** Current member count. */
  readonly existNum?: number | undefined
  /** Capacity. */
  readonly maxNum?: number | undefined
  /** `[]` when Douyin sends `null`. */
  readonly tags: ReadonlyArray<string>
}

/**
 * `FanGroup` ⇄ one element of the wire `group_list`.
 *
 * @since 0.1.0
 * @category schemas
 */
export const FanGroup = Schema.Struct({
  groupId: wireString("group_id"),
  groupName: wireString("group_name"),
  description: Schema.optional(Schema.String),
  avatarUri: Schema.optional(Schema.String).pipe(Schema.fromKey("avatar_uri")),
  groupType: Schema.optional(GroupTypeFromWire).pipe(Schema.fromKey("group_type")),
  status: Schema.optional(GroupStatusFromWire),
  entryLimit: stringList("entry_limit"),
  existNum: Schema.optional(Schema.Number).pipe(Schema.fromKey("exist_num")),
  maxNum: Schema.optional(Schema.Number).pipe(Schema.fromKey("max_num")),
  tags: stringList("tags")
})

/**
 * A user's request to join a group, as listed by `GET /im/group/enter/audit/get/`.
 *
 * @since 0.1.0
 * @category models
 */
export interface EntryApplication {
  /** Pass to `ReviewEntryApplication.review`. */
  readonly applyId: string
  readonly groupId: string
  /** The applicant's open_id. */
  readonly userId: string
  readonly applyStatus: ApplicationStatus | number
  /** When the application was made, epoch milliseconds (per the recorded samples). */
  readonly createTime: number
}

/**
 * `EntryApplication` ⇄ one element of the wire `apply_list.list`.
 *
 * @since 0.1.0
 * @category schemas
 */
export const EntryApplication = Schema.Struct({
  applyId: wireString("apply_id"),
  groupId: wireString("group_id"),
  userId: wireString("user_id"),
  applyStatus: Schema.propertySignature(ApplicationStatusFromWire).pipe(Schema.fromKey("apply_status")),
  createTime: Schema.propertySignature(Schema.Number).pipe(Schema.fromKey("create_time"))
})

/**
 * Compile-time check that the Schemas produce exactly the documented interfaces.
 */
const _fanGroup: Schema.Schema<FanGroup, any> = FanGroup
const _entry: Schema.Schema<EntryApplication, any> = EntryApplication
void _fanGroup
void _entry
