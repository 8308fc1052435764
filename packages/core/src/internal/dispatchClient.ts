/**
 * The fast client's exchange: one undici `Dispatcher.dispatch` per request with a handler
 * object that buffers the body under a cap, one timer for the whole exchange, and an abort on
 * interruption. No `AbortController`, no `FinalizationRegistry`, no body stream, no span:
 * those are what `HttpClient.make` + `NodeHttpClient` cost per call (measured in a CPU profile of the SDK call).
 */
import * as Cookies from "@effect/platform/Cookies"
import * as Headers from "@effect/platform/Headers"
import * as HttpClientError from "@effect/platform/HttpClientError"
import * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import * as HttpIncomingMessage from "@effect/platform/HttpIncomingMessage"
import * as UrlParams from "@effect/platform/UrlParams"
import type * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as Context from "effect/Context"
import * as Data from "effect/Data"
import * as Effect from "effect/Effect"
import * as ExecutionStrategy from "effect/ExecutionStrategy"
import * as FiberRef from "effect/FiberRef"
import * as Inspectable from "effect/Inspectable"
import * as Option from "effect/Option"
import * as Scope from "effect/Scope"
import * as Stream from "effect/Stream"
import type { Dispatcher } from "undici"
import { DeadlineExceeded, type Exchanged } from "./deadline.js"
import type * as RequestTarget from "./requestTarget.js"

export { DeadlineExceeded } from "./deadline.js"

/** The body grew past the cap: the request was aborted. The `cause` of a `ResponseError`. */
export class BodyTooLarge extends Data.TaggedError("BodyTooLarge")<{ readonly maxBodyBytes: number }> {
  override get message() {
    return `response body larger than the cap of ${this.maxBodyBytes} bytes (request aborted)`
  }
}

const originOf = (location: string | undefined) => {
  if (location === undefined) return ""
  try {
    return ` to ${new URL(location).origin}`
  } catch {
    return " to a relative location"
  }
}

/** A 3xx answer: never followed, so the token never leaves for another origin. */
export class RedirectRefused extends Data.TaggedError("RedirectRefused")<{
  readonly status: number
  readonly location: string | undefined
}> {
  override get message() {
    // The origin only: a Location can carry anything, even an echoed credential.
    return `redirect refused: HTTP ${this.status}${originOf(this.location)} (redirects are never followed)`
  }
}

/** Raised into the dispatch when the fiber is interrupted; undici then closes the socket. */
class Interrupted extends Error {
  constructor() {
    super("interrupted")
  }
}

/**
 * The request's scope closed before its response was complete (e.g. the SDK's attempt deadline
 * closed the attempt's scope, `HttpClient.withScope`): the request was aborted. The `cause` of
 * the `RequestError` / `ResponseError`, as an aborted `AbortSignal` is for `HttpClient.make`.
 */
export class ScopeClosed extends Data.TaggedError("ScopeClosed")<{}> {
  override get message() {
    return "the request's scope closed before the response was complete (request aborted)"
  }
}

export interface Settings {
  readonly timeoutMillis: number
  readonly maxBodyBytes: number
  /** Where each request goes (`requestTarget.ts`: the client's parsed URLs). */
  readonly target: ReturnType<typeof RequestTarget.make>
}

/** A response whose body is already in memory (the exchange read it under the cap). */
class BufferedResponse extends Inspectable.Class implements HttpClientResponse.HttpClientResponse {
  readonly [HttpIncomingMessage.TypeId]: HttpIncomingMessage.TypeId = HttpIncomingMessage.TypeId
  readonly [HttpClientResponse.TypeId]: HttpClientResponse.TypeId = HttpClientResponse.TypeId
  private cachedHeaders: Headers.Headers | undefined
  private cachedText: string | undefined

  constructor(
    readonly request: HttpClientRequest.HttpClientRequest,
    readonly status: number,
    private readonly rawHeaders: Record<string, string | Array<string> | undefined>,
    private readonly body: Buffer
  ) {
    super()
  }

  get headers(): Headers.Headers {
    return this.cachedHeaders ??= Headers.fromInput(this.rawHeaders)
  }

  get cookies(): Cookies.Cookies {
    const header = this.rawHeaders["set-cookie"]
    return header === undefined ? Cookies.empty : Cookies.fromSetCookie(Array.isArray(header) ? header : [header])
  }

  get remoteAddress(): Option.Option<string> {
    return Option.none()
  }

  private decodeError(cause: unknown) {
    return new HttpClientError.ResponseError({ request: this.request, response: this, reason: "Decode", cause })
  }

  /** The body as text, decoded once. */
  get bodyText(): string {
    return this.cachedText ??= this.body.toString("utf8")
  }

  get text(): Effect.Effect<string, HttpClientError.ResponseError> {
    return Effect.sync(() => this.bodyText)
  }

  get json(): Effect.Effect<unknown, HttpClientError.ResponseError> {
    return Effect.try({
      try: () => (this.bodyText === "" ? null : JSON.parse(this.bodyText) as unknown),
      catch: (cause) => this.decodeError(cause)
    })
  }

  get urlParamsBody(): Effect.Effect<UrlParams.UrlParams, HttpClientError.ResponseError> {
    return Effect.try({
      try: () => UrlParams.fromInput(new URLSearchParams(this.bodyText)),
      catch: (cause) => this.decodeError(cause)
    })
  }

  get arrayBuffer(): Effect.Effect<ArrayBuffer, HttpClientError.ResponseError> {
    return Effect.sync(() => {
      const copy = new ArrayBuffer(this.body.length)
      new Uint8Array(copy).set(this.body)
      return copy
    })
  }

  get stream(): Stream.Stream<Uint8Array, HttpClientError.ResponseError> {
    return Stream.succeed(new Uint8Array(this.body))
  }

  get formData(): Effect.Effect<FormData, HttpClientError.ResponseError> {
    return Effect.tryPromise({
      try: () => new Response(new Uint8Array(this.body), { headers: this.headers }).formData(),
      catch: (cause) => this.decodeError(cause)
    })
  }

  toJSON(): unknown {
    return HttpIncomingMessage.inspect(this, {
      _id: "@effect/platform/HttpClientResponse",
      request: this.request.toJSON(),
      status: this.status
    })
  }
}

type Resume<A> = (effect: Effect.Effect<A, HttpClientError.HttpClientError>) => void

const isRedirect = (status: number) => status >= 300 && status < 400 && status !== 304

// One module-level function for every timer (no closure per request).
const onDeadline = (exchange: { readonly expire: () => void }) => exchange.expire()

/**
 * One request/response. Settles `resume` exactly once: with the buffered response on the
 * body's end, or with a typed error (transport failure, deadline, cap, redirect, refused
 * body). Whatever ends it first aborts the dispatch, which closes the connection.
 */
class Exchange<A> implements Dispatcher.DispatchHandler {
  private controller: Dispatcher.DispatchController | undefined = undefined
  private settled = false
  private abortReason: Error | undefined = undefined
  private status = 0
  private headers: Record<string, string | Array<string> | undefined> = {}
  private chunks: Array<Buffer> = []
  private size = 0
  private readonly timer: ReturnType<typeof setTimeout>

  constructor(
    private readonly request: HttpClientRequest.HttpClientRequest,
    private readonly settings: Settings,
    private readonly timeoutMillis: number,
    private readonly resume: Resume<A>,
    /** What the fiber gets of a complete response. */
    private readonly deliver: (response: BufferedResponse) => A
  ) {
    // Node fires a delay past 2^31 − 1 ms at once: a longer deadline waits that long (24.8 days).
    this.timer = setTimeout(onDeadline, Math.min(timeoutMillis, 2_147_483_647), this)
  }

  // -- undici's handler callbacks

  onRequestStart(controller: Dispatcher.DispatchController): void {
    // Settled before undici got to the socket (deadline or interruption while queued): never send.
    if (this.settled) controller.abort(this.abortReason ?? new Interrupted())
    else this.controller = controller
  }

  onResponseStart(
    _controller: Dispatcher.DispatchController,
    statusCode: number,
    headers: Record<string, string | Array<string> | undefined>
  ): void {
    if (this.settled || statusCode < 200) return
    this.status = statusCode
    this.headers = headers
    if (isRedirect(statusCode)) {
      const location = headers["location"]
      return this.fail(
        new HttpClientError.ResponseError({
          request: this.request,
          response: this.response(Buffer.alloc(0)),
          reason: "StatusCode",
          cause: new RedirectRefused({ status: statusCode, location: Array.isArray(location) ? location[0] : location }),
          description: `redirect refused (HTTP ${statusCode})`
        })
      )
    }
    const declared = Number(headers["content-length"])
    if (declared > this.settings.maxBodyBytes) this.tooLarge()
  }

  onResponseData(_controller: Dispatcher.DispatchController, chunk: Buffer): void {
    if (this.settled) return
    this.size += chunk.length
    if (this.size > this.settings.maxBodyBytes) return this.tooLarge()
    this.chunks.push(chunk)
  }

  onResponseEnd(): void {
    if (this.settled) return
    this.settled = true
    clearTimeout(this.timer)
    const body = this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks, this.size)
    this.chunks = []
    this.resume(Effect.succeed(this.deliver(this.response(body))))
  }

  onResponseError(_controller: Dispatcher.DispatchController, error: Error): void {
    if (this.settled) return
    this.fail(this.failure(error))
  }

  // -- endings decided here

  /** The deadline timer fired. */
  expire(): void {
    if (this.settled) return
    this.fail(this.failure(new DeadlineExceeded({ timeoutMillis: this.timeoutMillis })))
  }

  /** The request's scope closed: abort the dispatch and fail; the fiber still waits for the answer. */
  abort(): void {
    if (this.settled) return
    this.fail(this.failure(new ScopeClosed()))
  }

  /** The fiber was interrupted: abort the dispatch (undici closes the socket); nobody waits. */
  interrupt(): void {
    if (this.settled) return
    this.settled = true
    clearTimeout(this.timer)
    this.abortReason = new Interrupted()
    this.controller?.abort(this.abortReason)
  }

  private tooLarge(): void {
    this.fail(
      new HttpClientError.ResponseError({
        request: this.request,
        response: this.response(Buffer.alloc(0)),
        reason: "Decode",
        cause: new BodyTooLarge({ maxBodyBytes: this.settings.maxBodyBytes }),
        description: `response body larger than ${this.settings.maxBodyBytes} bytes`
      })
    )
  }

  /** Before the status line: the platform's `RequestError` "Transport"; after it: `ResponseError` "Decode". */
  private failure(cause: Error): HttpClientError.HttpClientError {
    return this.status === 0
      ? new HttpClientError.RequestError({ request: this.request, reason: "Transport", cause })
      : new HttpClientError.ResponseError({
        request: this.request,
        response: this.response(Buffer.alloc(0)),
        reason: "Decode",
        cause
      })
  }

  private fail(error: HttpClientError.HttpClientError): void {
    this.settled = true
    clearTimeout(this.timer)
    this.chunks = []
    const reason = error.cause instanceof Error ? error.cause : new Error(error.message)
    this.abortReason = reason
    // After undici's own error the request is already over; aborting again is a no-op.
    if (this.controller !== undefined && !this.controller.aborted) this.controller.abort(reason)
    this.resume(Effect.fail(error))
  }

  private response(body: Buffer) {
    return new BufferedResponse(this.request, this.status, this.headers, body)
  }
}

type Body = Exclude<Dispatcher.DispatchOptions["body"], undefined>

const requestBody = (request: HttpClientRequest.HttpClientRequest): Body | undefined => {
  const body = request.body
  switch (body._tag) {
    case "Empty":
      return null
    case "Uint8Array":
      return body.body
    case "Raw":
      return typeof body.body === "string" || body.body instanceof Uint8Array ? body.body : undefined
    case "FormData":
      // The global FormData is undici's own (Node's fetch); its type is declared apart.
      return body.formData as unknown as Body
    case "Stream":
      return undefined
  }
}

/** The dispatch of `request`, or why it cannot be sent (nothing is sent then). */
const prepare = (
  settings: Settings,
  request: HttpClientRequest.HttpClientRequest
): Dispatcher.DispatchOptions | HttpClientError.RequestError => {
  const target = settings.target(request.url, request.urlParams)
  if (target._tag === "Left") {
    return new HttpClientError.RequestError({ request, reason: "InvalidUrl", cause: target.left })
  }
  const body = requestBody(request)
  if (body === undefined) {
    return new HttpClientError.RequestError({
      request,
      reason: "Encode",
      description: `a ${request.body._tag} request body is not supported (this client sends buffered bodies only)`
    })
  }
  return {
    origin: target.right.origin,
    path: target.right.path,
    method: request.method,
    headers: request.headers,
    body,
    // The exchange's single timer is the deadline; undici's own timers stay off.
    headersTimeout: 0,
    bodyTimeout: 0
  }
}

interface Started {
  exchange?: { readonly abort: () => void }
}

const exchange = <A>(
  dispatcher: Dispatcher,
  settings: Settings,
  timeoutMillis: number,
  request: HttpClientRequest.HttpClientRequest,
  options: Dispatcher.DispatchOptions,
  deliver: (response: BufferedResponse) => A,
  started?: Started
) =>
  Effect.async<A, HttpClientError.HttpClientError>((resume) => {
    const exchange = new Exchange(request, settings, timeoutMillis, resume, deliver)
    if (started !== undefined) started.exchange = exchange
    dispatcher.dispatch(options, exchange)
    return Effect.sync(() => exchange.interrupt())
  })

/**
 * Sends `request` through `dispatcher` and reads the whole body, within the client's deadline.
 * A `Scope` in the fiber's context (`HttpClient.withScope`) bounds the request too: its
 * closing aborts it.
 */
export const send = (
  dispatcher: Dispatcher,
  settings: Settings,
  request: HttpClientRequest.HttpClientRequest
): Effect.Effect<HttpClientResponse.HttpClientResponse, HttpClientError.HttpClientError> => {
  const options = prepare(settings, request)
  if (options instanceof HttpClientError.RequestError) return Effect.fail(options)
  return Effect.withFiberRuntime((fiber) => {
    const scope = Context.getOption(fiber.getFiberRef(FiberRef.currentContext), Scope.Scope)
    if (Option.isNone(scope)) return exchange(dispatcher, settings, settings.timeoutMillis, request, options, asResponse)
    // A child scope, closed with the exchange, so a long-lived scope does not collect one
    // finalizer per request.
    return Effect.flatMap(Scope.fork(scope.value, ExecutionStrategy.sequential), (child) => {
      const started: Started = {}
      return Scope.addFinalizer(child, Effect.sync(() => started.exchange?.abort())).pipe(
        Effect.zipRight(exchange(dispatcher, settings, settings.timeoutMillis, request, options, asResponse, started)),
        Effect.onExit((exit) => Scope.close(child, exit))
      )
    })
  })
}

const asResponse = (response: BufferedResponse): HttpClientResponse.HttpClientResponse => response
const withText = (response: BufferedResponse): Exchanged => ({ response, text: response.bodyText })

/**
 * Sends `request` under the caller's deadline (`deadline.Send`): the shorter of it and the
 * client's own, on the exchange's one timer, and hands over the body's text with the response.
 * No `Scope` is looked up: the caller bounds it.
 */
export const sendWithin = (
  dispatcher: Dispatcher,
  settings: Settings,
  request: HttpClientRequest.HttpClientRequest,
  timeoutMillis: number
): Effect.Effect<Exchanged, HttpClientError.HttpClientError> => {
  const options = prepare(settings, request)
  if (options instanceof HttpClientError.RequestError) return Effect.fail(options)
  return exchange(dispatcher, settings, Math.min(timeoutMillis, settings.timeoutMillis), request, options, withText)
}
