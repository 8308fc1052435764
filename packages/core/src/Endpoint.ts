/**
 * Endpoints are data. A descriptor says everything about one endpoint (method, path, scope,
 * idempotency class, envelope, request Schema domain ⇄ wire, success Schema, documented
 * codes), and {@link handler} turns it into the function a service exposes, with the exact
 * error union in its type. Inputs are validated before anything is sent.
 *
 * @since 0.1.0
 */
import { Effect, Either, ParseResult, Schema } from "effect"
import { type CallError, DouyinClient } from "./DouyinClient.js"
import { DouyinInvalidInput } from "./DouyinError.js"
import type * as Envelope from "./Envelope.js"
import type { Idempotency } from "./FailureClass.js"

export type {
  /**
   * @since 0.1.0
   */
  Idempotency
} from "./FailureClass.js"

/**
 * The wire form every request Schema encodes to: `open_id` plus the endpoint's fields.
 * For GET the fields become query parameters, for POST the JSON body.
 *
 * @since 0.1.0
 * @category models
 */
export interface WireRequest {
  readonly open_id: string
  readonly [field: string]: unknown
}

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
  WireRes
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
export type Any = Endpoint<string, Idempotency, any, any, any, any>

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
 * The exact errors a call of `E` can fail with.
 *
 * @since 0.1.0
 * @category models
 */
export type Error<E extends Any> = CallError<E["idempotency"]>

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
  WireRes
>(endpoint: Endpoint<Id, I, Req, WireReq, Res, WireRes>): Endpoint<Id, I, Req, WireReq, Res, WireRes> => endpoint

/**
 * The operator's `open_id` as a request field: `openId` in the domain, `open_id` on the wire.
 *
 * @since 0.1.0
 * @category schemas
 */
export const OpenId = Schema.propertySignature(Schema.NonEmptyTrimmedString).pipe(Schema.fromKey("open_id"))

const toQueryValue = (value: unknown): string =>
  typeof value === "string" ? value : typeof value === "object" ? JSON.stringify(value) : String(value)

const splitWire = (method: "GET" | "POST", wire: WireRequest) => {
  const { open_id, ...fields } = wire
  if (method === "POST") return { openId: open_id, query: {}, body: fields }
  const query: Record<string, string> = {}
  for (const [key, value] of Object.entries(fields)) {
    if (value !== undefined) query[key] = toQueryValue(value)
  }
  return { openId: open_id, query, body: undefined }
}

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
export const handler = <E extends Any>(endpoint: E): Effect.Effect<Handler<E>, never, DouyinClient> =>
  Effect.map(DouyinClient, (client) => {
    const encode = Schema.encodeUnknownEither(endpoint.request)
    const decode = Schema.decodeUnknownEither(endpoint.response)
    const decodeBody = (body: unknown) =>
      Either.mapLeft(decode(body), (e) => ParseResult.TreeFormatter.formatErrorSync(e))
    return (input: Input<E>) => {
      const wire = encode(input)
      if (Either.isLeft(wire)) {
        return Effect.fail(
          new DouyinInvalidInput({
            endpoint: endpoint.id,
            description: ParseResult.TreeFormatter.formatErrorSync(wire.left)
          })
        )
      }
      const { body, openId, query } = splitWire(endpoint.method, wire.right as WireRequest)
      return client.execute({
        endpoint: endpoint.id,
        method: endpoint.method,
        path: endpoint.path,
        openId,
        query,
        body,
        envelope: endpoint.envelope,
        idempotency: endpoint.idempotency,
        decode: decodeBody
      })
    }
  }) as Effect.Effect<Handler<E>, never, DouyinClient>

/**
 * The same descriptor at another path (e.g. the count endpoint, whose path sources disagree).
 *
 * @since 0.1.0
 * @category combinators
 */
export const withPath = <E extends Any>(endpoint: E, path: string): E => ({ ...endpoint, path })
