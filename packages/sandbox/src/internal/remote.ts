/**
 * The admin operations of a sandbox served over HTTP: each one a `POST /sandbox/admin`.
 */
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Redacted from "effect/Redacted"
import { adminPrefix } from "./adminRequest.js"
import { SandboxAdminError } from "./adminError.js"
import type { Admin, SeededCreator, Snapshot } from "./api.js"
import type { DeliveryRecord } from "./delivery.js"
import type { Application, Message } from "./model.js"
import { type AdminRequest, clockStepMillis } from "./schemas.js"

/** The admin operations of a sandbox served at `baseUrl`. */
export const makeRemote = (baseUrl: string): Effect.Effect<Admin, never, HttpClient.HttpClient> =>
  Effect.map(HttpClient.HttpClient, (http) => {
    const url = `${baseUrl.replace(/\/+$/, "")}${adminPrefix}admin`
    const call = (request: AdminRequest): Effect.Effect<unknown, SandboxAdminError> =>
      http.execute(HttpClientRequest.bodyUnsafeJson(HttpClientRequest.post(url), request)).pipe(
        Effect.flatMap((response) => Effect.map(response.json, (json) => ({ status: response.status, json }))),
        Effect.mapError((e) => new SandboxAdminError({ operation: request.op, description: e.message })),
        Effect.flatMap(({ json, status }) => {
          const body = json as { readonly result?: unknown; readonly error?: string }
          return status === 200
            ? Effect.succeed(body.result)
            : Effect.fail(new SandboxAdminError({ operation: request.op, description: body.error ?? `HTTP ${status}` }))
        })
      )
    return {
      applyToJoin: (o) =>
        call({ op: "applyToJoin", groupId: o.groupId, ...(o.userId === undefined ? {} : { userId: o.userId }) }) as Effect.Effect<
          Application,
          SandboxAdminError
        >,
      authorize: (o) =>
        Effect.map(
          call({ op: "authorize", openId: o.openId, ...(o.scope === undefined ? {} : { scope: o.scope }) }),
          (r) => (r as { readonly code: string }).code
        ),
      registerToken: (o) =>
        Effect.asVoid(call({
          op: "registerToken",
          openId: o.openId,
          token: Redacted.value(o.token),
          ...(o.expiresIn === undefined ? {} : { expiresInMillis: Duration.toMillis(Duration.decode(o.expiresIn)) })
        })),
      expireTokens: (openId) => Effect.asVoid(call({ op: "expireTokens", openId })),
      revokeAuthorization: (openId) => Effect.asVoid(call({ op: "revokeAuthorization", openId })),
      advanceClock: (by) => {
        const millis = clockStepMillis(by)
        return millis === undefined
          ? Effect.fail(new SandboxAdminError({ operation: "advanceClock", description: "by must be a finite duration" }))
          : Effect.map(call({ op: "advanceClock", by: millis }), (r) => (r as { readonly now: number }).now)
      },
      setQuota: (openId, left) => Effect.asVoid(call({ op: "setQuota", openId, left })),
      inject: (f) =>
        Effect.asVoid(call({
          op: "inject",
          fault: {
            kind: f.kind,
            times: Number.isFinite(f.times) ? f.times : null,
            ...(f.route === undefined ? {} : { route: f.route }),
            executed: f.executed,
            status: f.status,
            body: f.body,
            millis: f.millis
          }
        })),
      clearFaults: Effect.asVoid(call({ op: "clearFaults" })),
      snapshot: call({ op: "snapshot" }) as Effect.Effect<Snapshot, SandboxAdminError>,
      seed: (seed) => call({ op: "seed", seed }) as Effect.Effect<ReadonlyArray<SeededCreator>, SandboxAdminError>,
      postAsMember: (o) =>
        call({
          op: "postAsMember",
          groupId: o.groupId,
          text: o.text,
          ...(o.userId === undefined ? {} : { userId: o.userId })
        }) as Effect.Effect<
          Message,
          SandboxAdminError
        >,
      deliveries: call({ op: "deliveries" }) as Effect.Effect<ReadonlyArray<DeliveryRecord>, SandboxAdminError>,
      reset: Effect.asVoid(call({ op: "reset" }))
    } satisfies Admin
  })
