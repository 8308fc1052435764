/**
 * Endpoints are data. A descriptor says everything about one endpoint (method, path, scope,
 * idempotency class, envelope, request Schema domain ⇄ wire, success Schema, documented
 * codes), and {@link handler} turns it into the function a service exposes, with the exact
 * error union in its type. Inputs are validated before anything is sent.
 *
 * @since 0.1.0
 */
import type * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Layer from "effect/Layer"
import * as Schema from "effect/Schema"
import { ClientToken } from "./ClientToken.js"
import type { FilePart, TokenSource } from "./Call.js"
import { DouyinClient } from "./DouyinClient.js"
import { type ConvergentError, DouyinInvalidInput, type ReadError, type UnsafeError } from "./DouyinError.js"
import * as Envelope from "./Envelope.js"
import type { Idempotency } from "./FailureClass.js"
import * as parseIssue from "./internal/parseIssue.js"
import * as PlainDecode from "./internal/plainDecode.js"
import { firstMalformed } from "./internal/wellFormed.js"

export type {
  /**
   * @since 0.1.0
   */
  Idempotency
} from "./FailureClass.js"

/**
 * The wire form every request Schema encodes to: `open_id` plus the endpoint's fields.
 * For GET the fields become query parameters, for POST the JSON body (except the fields the
 * descriptor lists in `query` or `files`). An endpoint that takes the app's client token
 * (`token: "client"`) has no `open_id`; every other one must have it.
 *
 * @since 0.1.0
 * @category models
 */
export interface WireRequest {
  readonly open_id?: string
  readonly [field: string]: unknown
}

/**
 * Which token an endpoint takes: the operator's user token (`user`, from `AccessToken`, with
 * `open_id` in the query) or the app's client token (`client`, from `ClientToken`, no
 * `open_id`).
 *
 * @since 0.3.0
 * @category models
 */
export type TokenKind = "user" | "client"

/**
 * The wire value of a file field (see `Endpoint.files`): the part's file name, media type and
 * bytes.
 *
 * @since 0.3.0
 * @category models
 */
export type WireFile = Omit<FilePart, "name">

/**
 * @since 0.1.0
 * @category models
 */
export interface Endpoint<
  Id extends string,
  I extends Idempotency,
  Req,
  WireReq extends WireRequest,
  Res,
  WireRes,
  T extends TokenKind = "user"
> {
  /** e.g. `group/SendGroupMessage`; names spans and errors. */
  readonly id: Id
  readonly method: "GET" | "POST"
  /** Path with its trailing slash, e.g. `/im/send/msg/group/`. */
  readonly path: string
  /** The OAuth scope the operator must have granted. */
  readonly scope: string
  readonly idempotency: I
  readonly envelope: Exclude<Envelope.Kind, "C">
  /**
   * The token it takes (default `user`). A `client` endpoint's service needs `ClientToken`.
   *
   * @since 0.3.0
   */
  readonly token?: T | undefined
  /**
   * Wire fields sent in the query even on POST (e.g. `card_template_id` of the template
   * delete). A POST whose fields all travel in the query or as files has no JSON body.
   *
   * @since 0.3.0
   */
  readonly query?: ReadonlyArray<string> | undefined
  /**
   * Wire fields that are files ({@link WireFile}): the body is `multipart/form-data` with one
   * part per field, under a fresh boundary for every attempt.
   *
   * @since 0.3.0
   */
  readonly files?: ReadonlyArray<string> | undefined
  /** Domain input ⇄ wire (snake_case); refinements here are the validation before sending. */
  readonly request: Schema.Schema<Req, WireReq>
  /** Wire success body (the whole JSON object) ⇄ domain result. */
  readonly response: Schema.Schema<Res, WireRes>
  /** Codes this endpoint documents, for docs and tests. */
  readonly codes: ReadonlyArray<number>
}

/**
 * @since 0.1.0
 * @category models
 */
export type Any = Endpoint<string, Idempotency, any, any, any, any, TokenKind>

/**
 * What the service of `E` needs: `DouyinClient`, and `ClientToken` when it takes the app's
 * client token.
 *
 * @since 0.3.0
 * @category models
 */
export type Requirements<E extends Any> = E extends Endpoint<any, any, any, any, any, any, infer T>
  ? "client" extends T ? DouyinClient | ClientToken : DouyinClient
  : never

/**
 * @since 0.1.0
 * @category models
 */
export type Input<E extends Any> = Schema.Schema.Type<E["request"]>

/**
 * @since 0.1.0
 * @category models
 */
export type Output<E extends Any> = Schema.Schema.Type<E["response"]>

/**
 * The error union of each idempotency class, named once in `DouyinError`.
 *
 * @since 0.1.0
 * @category models
 */
export interface ErrorByIdempotency {
  readonly read: ReadError
  readonly convergent: ConvergentError
  readonly unsafe: UnsafeError
}

/**
 * The exact errors a call of `E` can fail with: the union of its idempotency class
 * (`DouyinError.ReadError`, `ConvergentError` or `UnsafeError`).
 *
 * @since 0.1.0
 * @category models
 */
export type Error<E extends Any> = ErrorByIdempotency[E["idempotency"]]

/**
 * The function a service exposes for `E`.
 *
 * @since 0.1.0
 * @category models
 */
export type Handler<E extends Any> = (input: Input<E>) => Effect.Effect<Output<E>, Error<E>>

/**
 * Declares a descriptor (an identity function that keeps the literal types).
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = <
  const Id extends string,
  const I extends Idempotency,
  Req,
  WireReq extends WireRequest,
  Res,
  WireRes,
  const T extends TokenKind = "user"
>(endpoint: Endpoint<Id, I, Req, WireReq, Res, WireRes, T>): Endpoint<Id, I, Req, WireReq, Res, WireRes, T> => endpoint

/**
 * The operator's `open_id` as a request field: `openId` in the domain, `open_id` on the wire.
 *
 * @since 0.1.0
 * @category schemas
 */
export const OpenId = Schema.propertySignature(Schema.NonEmptyTrimmedString).pipe(Schema.fromKey("open_id"))

/**
 * What every wire request must be besides its own Schema: all its strings (keys and values,
 * at any depth) well-formed Unicode. Checked once, on the encoded request, so no endpoint and
 * no field can forget it; as a plain walk after the encode (a Schema filter composed with
 * every request cost more than the walk itself). The reason it is malformed, if it is.
 */
const malformedWire = (wire: unknown): string | undefined => {
  const at = firstMalformed(wire)
  return at === undefined
    ? undefined
    : `${at}: invalid (not well-formed Unicode: a lone surrogate would reach Douyin as U+FFFD, another string)`
}

const toQueryValue = (value: unknown): string =>
  typeof value === "string" ? value : typeof value === "object" ? JSON.stringify(value) : String(value)

interface Split {
  readonly openId: string | undefined
  readonly query: Record<string, string>
  readonly body: unknown
  readonly files?: ReadonlyArray<FilePart> | undefined
}

const splitWire = (method: "GET" | "POST", wire: WireRequest): Split => {
  const { open_id, ...fields } = wire
  if (method === "POST") return { openId: open_id, query: {}, body: fields }
  const query: Record<string, string> = {}
  for (const [key, value] of Object.entries(fields)) {
    if (value !== undefined) query[key] = toQueryValue(value)
  }
  return { openId: open_id, query, body: undefined }
}

/** The split of an endpoint with `query` or `files` fields: each field where it is declared to go. */
const splitDeclared = (endpoint: Any) => {
  const inQuery = new Set(endpoint.query ?? [])
  const asFile = new Set(endpoint.files ?? [])
  return (wire: WireRequest): Split => {
    const { open_id, ...fields } = wire
    const query: Record<string, string> = {}
    const files: Array<FilePart> = []
    let body: Record<string, unknown> | undefined
    for (const [key, value] of Object.entries(fields)) {
      if (value === undefined) continue
      if (asFile.has(key)) files.push({ name: key, ...(value as WireFile) })
      else if (endpoint.method === "GET" || inQuery.has(key)) query[key] = toQueryValue(value)
      else (body ??= {})[key] = value
    }
    return { openId: open_id, query, body, files: files.length > 0 ? files : undefined }
  }
}

/** The client token as the token source of a call. */
const sourceOf = (tokens: ClientToken["Type"]): TokenSource => ({ get: tokens.get, refresh: tokens.refresh })

/**
 * Turns a descriptor into the function its service exposes: validate and encode the input
 * (a bad input fails with `DouyinInvalidInput` and nothing is sent), send through
 * `DouyinClient`, decode the success body.
 *
 * @example
 * ```ts
 * import { Endpoint } from "@effect-douyin/core"
 * import { Context, Effect, Layer, Schema } from "effect"
 *
 * const descriptor = Endpoint.make({
 *   id: "example/FanGroupQuota",
 *   method: "GET",
 *   path: "/im/group/count/",
 *   scope: "im.group_fans.create_list",
 *   idempotency: "read",
 *   envelope: "A",
 *   request: Schema.Struct({ openId: Endpoint.OpenId }),
 *   response: Schema.Struct({ left_count: Schema.Number }),
 *   codes: []
 * })
 *
 * class FanGroupQuota extends Context.Tag("FanGroupQuota")<FanGroupQuota, {
 *   readonly remaining: Endpoint.Handler<typeof descriptor>
 * }>() {}
 * const layer = Layer.effect(FanGroupQuota, Effect.map(Endpoint.handler(descriptor), (remaining) => ({ remaining })))
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const handler = <E extends Any>(endpoint: E): Effect.Effect<Handler<E>, never, Requirements<E>> =>
  Effect.flatMap(DouyinClient, (client) =>
    endpoint.token === "client"
      ? Effect.map(ClientToken, (tokens) => build(endpoint, client, sourceOf(tokens)))
      : Effect.succeed(build(endpoint, client, undefined))) as Effect.Effect<Handler<E>, never, Requirements<E>>

const build = <E extends Any>(endpoint: E, client: DouyinClient["Type"], token: TokenSource | undefined): Handler<E> => {
  const encode = Schema.encodeUnknownEither(endpoint.request)
  // A plain function in front of Schema where the success Schema is a simple record (plainDecode.ts).
  const decode = PlainDecode.decoder(endpoint.response)
  // Envelope D keeps the payload in `data`: `Envelope.payload` says where, once.
  const decodeBody = endpoint.envelope === "D"
    ? (body: unknown) => Either.mapLeft(decode(Envelope.payload("D", body)), parseIssue.describe)
    : (body: unknown) => Either.mapLeft(decode(body), parseIssue.describe)
  const split = endpoint.query === undefined && endpoint.files === undefined
    ? (wire: WireRequest) => splitWire(endpoint.method, wire)
    : splitDeclared(endpoint)
  const invalid = (description: string) => Effect.fail(new DouyinInvalidInput({ endpoint: endpoint.id, description }))
  return ((input: Input<E>) => {
    const wire = encode(input)
    if (Either.isLeft(wire)) return invalid(parseIssue.describe(wire.left))
    const malformed = malformedWire(wire.right)
    if (malformed !== undefined) return invalid(malformed)
    const { body, files, openId, query } = split(wire.right as WireRequest)
    if (token === undefined && openId === undefined) return invalid("open_id: required (the endpoint takes the operator's token)")
    return client.execute({
      endpoint: endpoint.id,
      method: endpoint.method,
      path: endpoint.path,
      openId: openId ?? "",
      query,
      body,
      envelope: endpoint.envelope,
      idempotency: endpoint.idempotency,
      decode: decodeBody,
      token,
      files
    })
  }) as Handler<E>
}

/**
 * A service that exposes endpoint `E` as its one method `M`.
 *
 * @since 0.1.0
 * @category models
 */
export type ServiceOf<M extends string, E extends Any> = { readonly [K in M]: Handler<E> }

/**
 * The accessor of a one-method service: the method, with the service itself in `R`.
 *
 * @since 0.1.0
 * @category models
 */
export type Accessor<Self, F> = F extends (input: infer In) => Effect.Effect<infer A, infer Err, never>
  ? (input: In) => Effect.Effect<A, Err, Self>
  : never

/**
 * What {@link service} builds for one endpoint service: its constructor, its layer and the
 * accessor that calls it through the context.
 *
 * @since 0.1.0
 * @category models
 */
export interface ServiceParts<Self, Shape, M extends keyof Shape, R = DouyinClient> {
  /** Builds the service over the provided `DouyinClient` (and `ClientToken` for a client-token endpoint). */
  readonly make: Effect.Effect<Shape, never, R>
  /** Provides the service over the provided `DouyinClient` (and `ClientToken` for a client-token endpoint). */
  readonly layer: Layer.Layer<Self, never, R>
  /** Calls the endpoint through the service in the context (`R` names only this service). */
  readonly accessor: Accessor<Self, Shape[M]>
}

/**
 * Whether `A` and `B` are the same type (each assignable to the other, and no `any`).
 *
 * @since 0.1.0
 * @category models
 */
export type Equals<A, B> = (<T>() => T extends A ? 1 : 2) extends (<T>() => T extends B ? 1 : 2) ? true : false

/**
 * Everything an endpoint service needs besides its `Context.Tag`: `make`, `layer` and the
 * accessor, from the tag, the method name and the descriptor. The service's method must be
 * exactly `Endpoint.Handler<typeof descriptor>`: a hand-written `Service` interface that
 * drifts from the descriptor (another input, output or error union) does not compile. One
 * tag per endpoint keeps a program's `R` the least-privilege list of what it calls.
 *
 * @example
 * ```ts
 * import { Endpoint } from "@effect-douyin/core"
 * import { Context, Effect, Schema } from "effect"
 *
 * const descriptor = Endpoint.make({
 *   id: "example/Quota",
 *   method: "GET",
 *   path: "/im/group/count/",
 *   scope: "im.group_fans.create_list",
 *   idempotency: "read",
 *   envelope: "A",
 *   request: Schema.Struct({ openId: Endpoint.OpenId }),
 *   response: Schema.Struct({ left_count: Schema.Number }),
 *   codes: []
 * })
 *
 * interface Service {
 *   readonly remaining: Endpoint.Handler<typeof descriptor>
 * }
 * class Quota extends Context.Tag("Quota")<Quota, Service>() {}
 *
 * const parts = Endpoint.service(Quota, "remaining", descriptor)
 * export const layer = parts.layer
 * export const remaining = parts.accessor
 *
 * export const program = Effect.map(remaining({ openId: "creator-open-id" }), (r) => r.left_count)
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const service = <Self, Shape, const M extends keyof Shape & string, E extends Any>(
  tag: Context.Tag<Self, Shape>,
  method: M,
  endpoint: E & (Equals<Shape, ServiceOf<M, E>> extends true ? unknown : ServiceMismatch<Shape, ServiceOf<M, E>>)
): ServiceParts<Self, Shape, M, Requirements<E>> => {
  const make = Effect.map(handler(endpoint as E), (call) => tag.of({ [method]: call } as Shape))
  const accessor = (input: unknown) =>
    Effect.flatMap(tag, (service) => (service[method] as (input: unknown) => Effect.Effect<unknown, unknown>)(input))
  return { make, layer: Layer.effect(tag, make), accessor: accessor as Accessor<Self, Shape[M]> }
}

/**
 * The compile error of {@link service} when the service is not exactly the descriptor's
 * handler under the method name.
 *
 * @since 0.1.0
 * @category models
 */
export interface ServiceMismatch<Shape, Expected> {
  readonly "the service must be exactly { readonly [method]: Endpoint.Handler<typeof descriptor> }": {
    readonly declared: Shape
    readonly expected: Expected
  }
}

/**
 * The same descriptor at another path (e.g. the count endpoint, whose path sources disagree).
 *
 * @since 0.1.0
 * @category combinators
 */
export const withPath = <E extends Any>(endpoint: E, path: string): E => ({ ...endpoint, path })
