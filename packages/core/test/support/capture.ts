// A tracer and a logger that keep everything they see, so tests can search it for secrets.
import { Cause, type Exit, Inspectable, Layer, Logger, LogLevel, type Option, Tracer } from "effect"
import type * as Context from "effect/Context"

export interface CapturedSpan {
  readonly name: string
  readonly attributes: Map<string, unknown>
  readonly events: Array<{ name: string; attributes: Record<string, unknown> | undefined }>
  exit: Exit.Exit<unknown, unknown> | undefined
}

class CaptureSpan implements Tracer.Span {
  readonly _tag = "Span"
  readonly spanId: string
  readonly traceId = "test-trace"
  readonly sampled = true
  status: Tracer.SpanStatus
  readonly attributes = new Map<string, unknown>()
  readonly links: Array<Tracer.SpanLink> = []
  constructor(
    readonly name: string,
    readonly parent: Option.Option<Tracer.AnySpan>,
    readonly context: Context.Context<never>,
    readonly kind: Tracer.SpanKind,
    startTime: bigint,
    private readonly record: CapturedSpan,
    id: number
  ) {
    this.spanId = `span-${id}`
    this.status = { _tag: "Started", startTime }
  }
  end(endTime: bigint, exit: Exit.Exit<unknown, unknown>) {
    this.status = { _tag: "Ended", startTime: this.status.startTime, endTime, exit }
    this.record.exit = exit
  }
  attribute(key: string, value: unknown) {
    this.attributes.set(key, value)
    this.record.attributes.set(key, value)
  }
  event(name: string, _startTime: bigint, attributes?: Record<string, unknown>) {
    this.record.events.push({ name, attributes })
  }
  addLinks(links: ReadonlyArray<Tracer.SpanLink>) {
    this.links.push(...links)
  }
}

/** A tracer that appends every span to `spans`. */
export const captureTracer = (spans: Array<CapturedSpan>): Tracer.Tracer =>
  Tracer.make({
    span(name, parent, context, _links, startTime, kind, options) {
      const record: CapturedSpan = { name, attributes: new Map(), events: [], exit: undefined }
      spans.push(record)
      const span = new CaptureSpan(name, parent, context, kind, startTime, record, spans.length)
      for (const [k, v] of Object.entries(options?.attributes ?? {})) span.attribute(k, v)
      return span
    },
    context: (f) => f()
  })

/** A logger (replacing the default one) that appends each formatted line, annotations included. */
export const captureLogger = (lines: Array<string>) =>
  Logger.replace(Logger.defaultLogger, Logger.map(Logger.logfmtLogger, (line) => void lines.push(line)))

/**
 * What an exporter sends of a span, as one string to search: name, attributes, events, and for a
 * failed span its cause as exporters render it (a success value is not exported).
 */
export const spanText = (span: CapturedSpan) =>
  [
    span.name,
    ...[...span.attributes].map(([k, v]) => `${k}=${Inspectable.toStringUnknown(v)}`),
    ...span.events.map((e) => `${e.name} ${Inspectable.toStringUnknown(e.attributes)}`),
    span.exit !== undefined && span.exit._tag === "Failure" ? Cause.pretty(span.exit.cause) : ""
  ].join("\n")

/** Spans and every log level captured. */
export const layerCapture = (spans: Array<CapturedSpan>, lines: Array<string>) =>
  Layer.mergeAll(Layer.setTracer(captureTracer(spans)), captureLogger(lines), Logger.minimumLogLevel(LogLevel.All))
