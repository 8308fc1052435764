/**
 * The deadline-taking send (`deadline.Send`) over any injected `HttpClient` that does not
 * take deadlines itself (platform undici, node:http, fetch, `DouyinTest`, a transformed fast
 * client): the attempt's deadline is one timer that *aborts* the request (no fiber races it).
 *
 * The request gets its `AbortSignal` through `HttpClient.withScope`: the exchange runs in a
 * `Scope` of its own that the timer (or the end of the exchange, or an interruption) closes.
 * Every client built with `HttpClient.make` (fetch, node:http, undici, `DouyinTest`) passes
 * that signal on; a client built with `HttpClient.makeWith` should abort its request from a
 * finalizer on the `Scope` it finds in its context (the fast client does, when wrapped).
 * What such a client reads from the fiber (the `Scope`, the parent span, a `Fetch` that does
 * not follow redirects, tracer propagation off, `access-token` among the redacted header
 * names) is set in ONE FiberRefs update on entry and put back on exit.
 */
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import * as Headers from "@effect/platform/Headers"
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientError from "@effect/platform/HttpClientError"
import type * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import type * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import type * as Fiber from "effect/Fiber"
import type * as FiberId from "effect/FiberId"
import * as FiberRef from "effect/FiberRef"
import * as FiberRefs from "effect/FiberRefs"
import * as Scope from "effect/Scope"
import * as Tracer from "effect/Tracer"
import * as Deadline from "./deadline.js"

type Fetch = typeof globalThis.fetch

const withAccessToken = (names: ReadonlyArray<string | RegExp>) => names.includes("access-token") ? names : [...names, "access-token"]

interface Saved {
  readonly refs: FiberRefs.FiberRefs
  readonly context: Context.Context<never>
  readonly propagation: boolean
  readonly redacted: ReadonlyArray<string | RegExp>
}

// `setFiberRefs` is how the runtime itself installs FiberRefs (it is on the fiber, not on the
// `RuntimeFiber` interface). One update replaces what three `Effect.locally` would set and
// restore one by one; where it is missing, `settings` falls back to those.
type Settable = Fiber.RuntimeFiber<unknown, unknown> & { setFiberRefs?: (refs: FiberRefs.FiberRefs) => void }

const entries = (id: FiberId.Runtime, context: Context.Context<never>, propagation: boolean, redacted: ReadonlyArray<string | RegExp>) =>
  [
    [FiberRef.currentContext, [[id, context]]],
    [HttpClient.currentTracerPropagation, [[id, propagation]]],
    [Headers.currentRedactedNames, [[id, redacted]]]
  ] as const

/**
 * Runs `effect` with the `Scope`, the parent span and `Fetch` in its context, tracer
 * propagation off (Douyin reads no trace headers: the wire stays as documented) and
 * `access-token` redacted, then puts the fiber's own values back. Must run uninterruptibly
 * around `effect`.
 */
const settings = <A, E>(
  fiber: Settable,
  scope: Scope.Scope,
  parent: Tracer.AnySpan | undefined,
  fetch: Fetch,
  effect: Effect.Effect<A, E, Scope.Scope>
): Effect.Effect<Exit.Exit<A, E>> => {
  const saved: Saved = {
    refs: fiber.getFiberRefs(),
    context: fiber.getFiberRef(FiberRef.currentContext),
    propagation: fiber.getFiberRef(HttpClient.currentTracerPropagation),
    redacted: fiber.getFiberRef(Headers.currentRedactedNames)
  }
  const withParent = parent === undefined ? saved.context : Context.add(saved.context, Tracer.ParentSpan, parent)
  const context = Context.add(Context.add(withParent, Scope.Scope, scope), FetchHttpClient.Fetch, fetch)
  const redacted = withAccessToken(saved.redacted)
  const set = fiber.setFiberRefs
  if (set === undefined) {
    return Effect.exit(
      Effect.provide(effect, context).pipe(
        Effect.locally(HttpClient.currentTracerPropagation, false),
        Effect.locally(Headers.currentRedactedNames, redacted)
      )
    )
  }
  const id = fiber.id()
  set.call(fiber, FiberRefs.updateManyAs(saved.refs, { entries: entries(id, context, false, redacted) }))
  return Effect.map(Effect.exit(effect as Effect.Effect<A, E>), (exit) => {
    set.call(
      fiber,
      FiberRefs.updateManyAs(fiber.getFiberRefs(), {
        entries: entries(id, saved.context, saved.propagation, saved.redacted)
      })
    )
    return exit
  })
}

/**
 * The response with its body read: the closing of the exchange's scope aborts the request,
 * so the body is read inside it. The text is kept on a view of the response (its prototype is
 * the response itself) whose `text` is that string, whatever the client caches.
 */
const readWhole = (client: HttpClient.HttpClient.With<HttpClientError.HttpClientError, Scope.Scope>, request: HttpClientRequest.HttpClientRequest) =>
  Effect.flatMap(
    client.execute(request),
    (response) =>
      Effect.map(
        response.text,
        (text): HttpClientResponse.HttpClientResponse =>
          Object.create(response, { text: { value: Effect.succeed(text) } })
      )
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
    Effect.flatMap(Scope.make(), (scope) => {
      let timedOut = false
      const exchange = Effect.uninterruptibleMask((restoreInterruption) =>
        Effect.withFiberRuntime<Exit.Exit<HttpClientResponse.HttpClientResponse, HttpClientError.HttpClientError>>((fiber) => {
          // One timer: at the deadline it closes the exchange's scope, which aborts the request.
          const timer = Number.isFinite(timeoutMillis)
            ? setTimeout(() => {
              timedOut = true
              Effect.runFork(Scope.close(scope, Exit.void))
            }, Math.min(timeoutMillis, 2_147_483_647))
            : undefined
          return Effect.flatMap(settings(fiber, scope, parent, noRedirects, restoreInterruption(readWhole(scoped, request))), (exit) => {
            if (timer !== undefined) clearTimeout(timer)
            return Effect.as(Scope.close(scope, exit), exit)
          })
        })
      )
      // An abort by the deadline surfaces as whatever the client makes of an aborted request.
      return Effect.flatMap(exchange, (exit) =>
        timedOut && Exit.isFailure(exit)
          ? Effect.fail(
            new HttpClientError.RequestError({
              request,
              reason: "Transport",
              cause: new Deadline.DeadlineExceeded({ timeoutMillis })
            })
          )
          : exit)
    })
}
