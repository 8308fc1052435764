/**
 * The deadline-taking send (`deadline.Send`) over any injected `HttpClient` that does not
 * take deadlines itself (platform undici, node:http, fetch, `DouyinTest`, a transformed fast
 * client): the attempt's deadline is one timer that *aborts* the request (no fiber races it).
 *
 * The request gets its `AbortSignal` through `HttpClient.withScope`: the exchange runs in a
 * `Scope` of its own, and closing that scope aborts the request. Every client built with
 * `HttpClient.make` (fetch, node:http, undici, `DouyinTest`) passes that signal on; a client
 * built with `HttpClient.makeWith` should abort its request from a finalizer on the `Scope` it
 * finds in its context (the fast client does, when wrapped).
 *
 * The scope is closed only when the exchange does not complete: at the deadline, on
 * interruption, on a failure. A completed exchange (body read) has nothing left to abort, so
 * its scope is dropped with the timer cleared: closing it would abort a finished request, one
 * `DOMException` and abort event per call for nothing.
 *
 * What such a client reads from the fiber (the `Scope`, the parent span, a `Fetch` that does
 * not follow redirects, tracer propagation off, `access-token` among the redacted header
 * names) is set in ONE FiberRefs update on entry; on exit the fiber gets its own FiberRefs back
 * as they were (nothing the exchange sets outlives it).
 */
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import * as Headers from "@effect/platform/Headers"
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientError from "@effect/platform/HttpClientError"
import type * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import type * as Fiber from "effect/Fiber"
import * as FiberRef from "effect/FiberRef"
import * as FiberRefs from "effect/FiberRefs"
import * as Scope from "effect/Scope"
import * as Tracer from "effect/Tracer"
import * as Deadline from "./deadline.js"

type Fetch = typeof globalThis.fetch
type Failure = HttpClientError.HttpClientError

const withAccessToken = (names: ReadonlyArray<string | RegExp>) => names.includes("access-token") ? names : [...names, "access-token"]

// `setFiberRefs` is how the runtime itself installs FiberRefs (it is on the fiber, not on the
// `RuntimeFiber` interface). One update replaces what three `Effect.locally` would set and
// restore one by one; where it is missing, `settings` falls back to those.
type Settable = Fiber.RuntimeFiber<unknown, unknown> & { setFiberRefs?: (refs: FiberRefs.FiberRefs) => void }

/**
 * The fiber's context with the exchange's services in it: one copy of the context's map
 * (each `Context.add` would copy it again).
 */
const exchangeContext = (context: Context.Context<never>, scope: Scope.Scope, parent: Tracer.AnySpan | undefined, fetch: Fetch) => {
  const services = new Map(context.unsafeMap)
  services.set(Scope.Scope.key, scope)
  services.set(FetchHttpClient.Fetch.key, fetch)
  if (parent !== undefined) services.set(Tracer.ParentSpan.key, parent)
  return Context.unsafeMake<never>(services)
}

/**
 * Runs `effect` with the `Scope`, the parent span and `Fetch` in its context, tracer
 * propagation off (Douyin reads no trace headers: the wire stays as documented) and
 * `access-token` redacted; `done` runs first on its exit, with the fiber's own FiberRefs back.
 * Must run uninterruptibly around `effect`.
 */
const settings = <A, E, B, E2>(
  fiber: Settable,
  scope: Scope.Scope,
  parent: Tracer.AnySpan | undefined,
  fetch: Fetch,
  effect: Effect.Effect<A, E, Scope.Scope>,
  done: (exit: Exit.Exit<A, E>) => Effect.Effect<B, E2>
): Effect.Effect<B, E2> => {
  const refs = fiber.getFiberRefs()
  const context = exchangeContext(fiber.getFiberRef(FiberRef.currentContext), scope, parent, fetch)
  const redacted = withAccessToken(fiber.getFiberRef(Headers.currentRedactedNames))
  // The context holds the `Scope` from here on.
  const inContext = effect as Effect.Effect<A, E>
  const set = fiber.setFiberRefs
  if (set === undefined) {
    return Effect.flatMap(
      Effect.exit(
        Effect.locally(
          Effect.locally(Effect.provide(inContext, context), HttpClient.currentTracerPropagation, false),
          Headers.currentRedactedNames,
          redacted
        )
      ),
      done
    )
  }
  const id = fiber.id()
  set.call(
    fiber,
    FiberRefs.updateManyAs(refs, {
      entries: [
        [FiberRef.currentContext, [[id, context]]],
        [HttpClient.currentTracerPropagation, [[id, false]]],
        [Headers.currentRedactedNames, [[id, redacted]]]
      ]
    })
  )
  const restored = (exit: Exit.Exit<A, E>) => {
    set.call(fiber, refs)
    return done(exit)
  }
  return Effect.matchCauseEffect(inContext, {
    onFailure: (cause) => restored(Exit.failCause(cause)),
    onSuccess: (a) => restored(Exit.succeed(a))
  })
}

/** The response with its body read: the request may be aborted once the exchange ends, so the body is read inside it. */
const readWhole = (client: HttpClient.HttpClient.With<Failure, Scope.Scope>, request: HttpClientRequest.HttpClientRequest) =>
  Effect.flatMap(
    client.execute(request),
    (response) => Effect.map(response.text, (text): Deadline.Exchanged => ({ response, text }))
  )

/**
 * The send over `http`. `fetch` is what a fetch-based client calls (default: the global
 * `fetch`); it is always asked not to follow redirects, so a token never reaches another
 * origin (a redirect then arrives as a 3xx, a typed error). At the deadline the request is
 * aborted and the exchange fails with a `RequestError` whose cause is `DeadlineExceeded`.
 */
export const make = (http: HttpClient.HttpClient, options: { readonly fetch?: Fetch | undefined } = {}): Deadline.Send => {
  const scoped = HttpClient.withScope(http)
  const base = options.fetch
  const noRedirects: Fetch = (input, init) => (base ?? globalThis.fetch)(input, { ...init, redirect: "manual" })
  return (request, timeoutMillis, parent) =>
    Effect.flatMap(
      Scope.make(),
      (scope) =>
        Effect.uninterruptibleMask((restoreInterruption) =>
          Effect.withFiberRuntime<Deadline.Exchanged, Failure>((fiber) => {
            let timedOut = false
            // One timer: at the deadline it closes the exchange's scope, which aborts the request.
            const timer = Number.isFinite(timeoutMillis)
              ? setTimeout(() => {
                timedOut = true
                Effect.runFork(Scope.close(scope, Exit.void))
              }, Math.min(timeoutMillis, 2_147_483_647))
              : undefined
            return settings(fiber, scope, parent, noRedirects, restoreInterruption(readWhole(scoped, request)), (exit) => {
              if (timer !== undefined) clearTimeout(timer)
              if (Exit.isSuccess(exit)) return exit
              // Not completed (failed, interrupted, or aborted by the deadline): abort the request.
              return Effect.zipRight(
                Scope.close(scope, exit),
                // An abort by the deadline surfaces as whatever the client makes of an aborted request.
                timedOut
                  ? Effect.fail(
                    new HttpClientError.RequestError({
                      request,
                      reason: "Transport",
                      cause: new Deadline.DeadlineExceeded({ timeoutMillis })
                    })
                  )
                  : Effect.failCause(exit.cause)
              )
            })
          })
        )
    )
}
