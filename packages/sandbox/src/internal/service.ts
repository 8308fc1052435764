/**
 * The sandbox service: its state in a `Ref`, its clock (Clock plus the admin steps), each wire
 * request a pure step of the router inside one `Ref.modify`, the admin operations, and the
 * webhook delivery loop.
 */
import * as Clock from "effect/Clock"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as HashMap from "effect/HashMap"
import * as Redacted from "effect/Redacted"
import * as Ref from "effect/Ref"
import type * as Scope from "effect/Scope"
import * as SandboxWebhook from "../SandboxWebhook.js"
import * as adminOps from "./admin.js"
import { SandboxAdminError } from "./adminError.js"
import type { Options, Service, Snapshot } from "./api.js"
import * as consent from "./consent.js"
import * as delivery from "./delivery.js"
import * as faults from "./faults.js"
import * as model from "./model.js"
import * as router from "./router.js"
import { clockStepMillis } from "./schemas.js"

/** The app's `client_key` when the options set none. */
export const defaultClientKey = "sandbox-client-key"

/** The app's `client_secret` when the options set none (a sandbox value, not a secret). */
export const defaultClientSecret = "sandbox-client-secret"

const configOf = (options: Options): model.Config => ({
  initialQuota: options.quota ?? 5,
  maxMembers: options.maxMembers ?? 500,
  lenient: options.lenient ?? false,
  accessTokenLifetimeMillis: Duration.toMillis(Duration.decode(options.accessTokenLifetime ?? "15 days")),
  refreshTokenLifetimeMillis: Duration.toMillis(Duration.decode(options.refreshTokenLifetime ?? "30 days")),
  clientKey: options.clientKey ?? defaultClientKey,
  clientSecret: options.clientSecret === undefined ? defaultClientSecret : Redacted.value(options.clientSecret),
  requestLogLimit: options.requestLogLimit ?? 1000,
  maxBodyBytes: options.maxBodyBytes ?? 1024 * 1024,
  demoCreators: options.demoCreators ?? consent.defaultCreators,
  authorizationCodeLifetimeMillis: Duration.toMillis(Duration.decode(options.authorizationCodeLifetime ?? "10 minutes")),
  clientTokenLifetimeMillis: Duration.toMillis(Duration.decode(options.clientTokenLifetime ?? "2 hours"))
})

const snapshotOf = (state: model.State, now: number): Snapshot => ({
  now,
  groups: model.ordered(state.groups),
  messages: model.ordered(state.messages),
  applications: model.ordered(state.applications),
  settings: Array.from(HashMap.values(state.settings)),
  quota: Object.fromEntries(HashMap.toEntries(state.quota)),
  images: model.ordered(state.media.images),
  leadCards: model.ordered(state.media.leadCards),
  appletTemplates: model.ordered(state.media.templates)
})

/** Builds a sandbox with empty state. */
export const make = (options: Options = {}): Effect.Effect<Service, never, Scope.Scope> =>
  Effect.gen(function*() {
    const config = configOf(options)
    const state = yield* Ref.make(model.initial(config))
    // The sandbox's time: Clock plus what advanceClock added (one source for everything timed).
    const offset = yield* Ref.make(0)
    const now = Effect.zipWith(Clock.currentTimeMillis, Ref.get(offset), (t, o) => t + o)
    const webhook = options.webhook
    const deliverer = yield* delivery.make(
      webhook === undefined ? undefined : {
        url: webhook.url,
        secret: webhook.secret ?? Redacted.make(config.clientSecret),
        timeoutMillis: Duration.toMillis(Duration.decode(webhook.timeout ?? "5 seconds")),
        retries: webhook.retries ?? 3,
        retryDelayMillis: Duration.toMillis(Duration.decode(webhook.retryDelay ?? "1 second"))
      }
    )
    /** Takes the events the last steps queued and hands them to the delivery loop. */
    const drain = Effect.flatMap(
      Ref.modify(state, (s) => [s.outbox, s.outbox.length === 0 ? s : { ...s, outbox: [] }] as const),
      (payloads) => payloads.length === 0 ? Effect.void : Effect.flatMap(now, (t) => deliverer.enqueue(payloads, t))
    )
    const modify = <A>(f: (s: model.State, t: number) => readonly [A, model.State]): Effect.Effect<A> =>
      Effect.flatMap(now, (t) => Effect.tap(Ref.modify(state, (s) => f(s, t)), () => drain))

    const handle = (request: model.WireRequest): Effect.Effect<model.Outcome> =>
      modify((s, t) => router.handle(s, request, t)).pipe(
        Effect.flatMap(({ delayMillis, outcome }) =>
          delayMillis > 0 ? Effect.as(Effect.sleep(Duration.millis(delayMillis)), outcome) : Effect.succeed(outcome)
        )
      )

    const update = (f: (s: model.State) => model.State) => Ref.update(state, f)

    return {
      handle,
      maxBodyBytes: config.maxBodyBytes,
      requests: Effect.map(Ref.get(state), (s) => s.log),
      tokenOf: (openId) =>
        Effect.map(
          Ref.modify(state, (s) => adminOps.tokenOf(s, openId)),
          Redacted.make
        ),
      applyToJoin: (o) =>
        modify((s, t) => adminOps.applyToJoin(s, o, t)).pipe(
          Effect.flatMap(Either.match({
            onLeft: (description) => Effect.fail(new SandboxAdminError({ operation: "applyToJoin", description })),
            onRight: (application) => Effect.succeed(application)
          }))
        ),
      postAsMember: (o) =>
        modify((s, t) => adminOps.postAsMember(s, { ...o, userId: o.userId ?? "sandbox-member" }, t)).pipe(
          Effect.flatMap(Either.match({
            onLeft: (description) => Effect.fail(new SandboxAdminError({ operation: "postAsMember", description })),
            onRight: (message) => Effect.succeed(message)
          }))
        ),
      deliveries: deliverer.log,
      awaitDeliveries: deliverer.idle,
      connectWebhooks: (receive, o) =>
        deliverer.setTarget({
          url: "in-process",
          send: (d) =>
            Effect.flatMap(receive(d), (status) =>
              status >= 200 && status < 300
                ? Effect.succeed(status)
                : Effect.fail(new SandboxWebhook.DeliveryFailed({ url: "in-process", status, description: `HTTP ${status}` }))),
          secret: o?.secret ?? Redacted.make(config.clientSecret),
          timeoutMillis: Duration.toMillis(Duration.decode(o?.timeout ?? "5 seconds")),
          retries: o?.retries ?? 3,
          retryDelayMillis: Duration.toMillis(Duration.decode(o?.retryDelay ?? "1 second"))
        }),
      authorize: (o) => Effect.flatMap(now, (t) => Ref.modify(state, (s) => adminOps.authorize(s, o, t))),
      registerToken: (o) =>
        Effect.flatMap(now, (t) =>
          update((s) =>
            adminOps.registerToken(s, {
              openId: o.openId,
              token: Redacted.value(o.token),
              expiresAt: o.expiresIn === undefined ? undefined : t + Duration.toMillis(Duration.decode(o.expiresIn))
            })
          )),
      expireTokens: (openId) => Effect.flatMap(now, (t) => update((s) => adminOps.expireTokens(s, openId, t))),
      revokeAuthorization: (openId) =>
        Effect.flatMap(
          Ref.modify(state, (s) => adminOps.revokeAuthorization(s, openId)),
          Either.match({
            onLeft: (description) => Effect.fail(new SandboxAdminError({ operation: "revokeAuthorization", description })),
            onRight: () => Effect.void
          })
        ),
      advanceClock: (by) => {
        const millis = clockStepMillis(by)
        return millis === undefined
          ? Effect.fail(new SandboxAdminError({ operation: "advanceClock", description: "by must be a finite duration" }))
          : Effect.zipRight(Ref.update(offset, (o) => o + millis), now)
      },
      setQuota: (openId, left) => update((s) => adminOps.setQuota(s, openId, left)),
      inject: (f) => update((s) => faults.addFault(s, f)),
      clearFaults: update(faults.clearFaults),
      snapshot: Effect.zipWith(Ref.get(state), now, snapshotOf),
      seed: (seed) => modify((s, t) => adminOps.seed(s, seed.creators, t)),
      reset: Effect.zipRight(Effect.zipRight(Ref.set(state, model.initial(config)), Ref.set(offset, 0)), deliverer.clear)
    } satisfies Service
  })
