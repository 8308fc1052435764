/**
 * Whether a call's span is worth making. Effect's default tracer (the one in place when no
 * tracer layer is installed) keeps its spans nowhere: nobody can read them. A call that runs
 * under it, or with tracing turned off, gets a stand-in that ignores what it is told, so it
 * pays for no span object, no ids and no attributes. Under any other tracer the call gets
 * the span it always had.
 */
import * as Context from "effect/Context"
import * as DefaultServices from "effect/DefaultServices"
import * as Exit from "effect/Exit"
import type * as Fiber from "effect/Fiber"
import * as FiberRef from "effect/FiberRef"
import * as Option from "effect/Option"
import * as Tracer from "effect/Tracer"

const defaultTracer = Context.get(DefaultServices.liveServices, Tracer.Tracer)

/** Whether spans made on `fiber` now reach a tracer that records them. */
export const isRecorded = (fiber: Fiber.RuntimeFiber<unknown, unknown>): boolean =>
  fiber.getFiberRef(FiberRef.currentTracerEnabled) && fiber.currentTracer !== defaultTracer

const ignore = () => {}

const UnrecordedId: unique symbol = Symbol.for("@effect-douyin/core/internal/callSpan/Unrecorded")

/**
 * A span that records nothing, for the calls of one client (made once per layer): what is
 * parented to it runs under the same default tracer, so it is not recorded either.
 */
export const unrecorded = (name: string): Tracer.Span => {
  const span: Tracer.Span & { readonly [UnrecordedId]: true } = {
    [UnrecordedId]: true,
    _tag: "Span",
    name,
    spanId: "",
    traceId: "",
    parent: Option.none(),
    context: Context.empty(),
    status: { _tag: "Ended", startTime: BigInt(0), endTime: BigInt(0), exit: Exit.void },
    attributes: new Map(),
    links: [],
    sampled: false,
    kind: "client",
    end: ignore,
    attribute: ignore,
    event: ignore,
    addLinks: ignore
  }
  return span
}

/** Whether `span` is a stand-in made by {@link unrecorded}. */
export const isUnrecorded = (span: Tracer.AnySpan): boolean => UnrecordedId in span
