/**
 * An admin request (`POST /sandbox/admin`) run on the sandbox service: decoded from its JSON,
 * mapped to the operation, answered with its result.
 */
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Redacted from "effect/Redacted"
import * as Schema from "effect/Schema"
import type { SandboxAdminError } from "./adminError.js"
import type { Service } from "./api.js"
import { fault } from "./faultBuilders.js"
import type { Fault } from "./model.js"
import { AdminRequest, type FaultSchema } from "./schemas.js"

/** The path prefix of the admin routes and the inspector. */
export const adminPrefix = "/sandbox/"

const faultFromJson = (f: typeof FaultSchema.Type): Fault =>
  fault(f.kind, { times: f.times ?? Infinity, route: f.route }, {
    executed: f.executed ?? true,
    status: f.status ?? 0,
    body: f.body ?? "",
    millis: f.millis ?? 0
  })

export const runAdmin = (sandbox: Service, request: AdminRequest): Effect.Effect<unknown, SandboxAdminError> => {
  switch (request.op) {
    case "applyToJoin":
      return sandbox.applyToJoin({ groupId: request.groupId, userId: request.userId })
    case "authorize":
      return Effect.map(sandbox.authorize({ openId: request.openId, scope: request.scope }), (code) => ({ code }))
    case "registerToken":
      return sandbox.registerToken({
        openId: request.openId,
        token: Redacted.make(request.token),
        expiresIn: request.expiresInMillis === undefined ? undefined : Duration.millis(request.expiresInMillis)
      })
    case "expireTokens":
      return sandbox.expireTokens(request.openId)
    case "revokeAuthorization":
      return sandbox.revokeAuthorization(request.openId)
    case "advanceClock":
      return Effect.map(sandbox.advanceClock(request.by as Duration.DurationInput), (now) => ({ now }))
    case "setQuota":
      return sandbox.setQuota(request.openId, request.left)
    case "inject":
      return sandbox.inject(faultFromJson(request.fault))
    case "clearFaults":
      return sandbox.clearFaults
    case "snapshot":
      return sandbox.snapshot
    case "seed":
      return sandbox.seed(request.seed)
    case "postAsMember":
      return sandbox.postAsMember({ groupId: request.groupId, userId: request.userId, text: request.text })
    case "deliveries":
      return sandbox.deliveries
    case "reset":
      return sandbox.reset
  }
}

export const decodeAdmin = Schema.decodeUnknownEither(Schema.parseJson(AdminRequest))
