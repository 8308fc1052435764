/**
 * The SDK's metrics to OpenTelemetry readers with their units: `@effect/opentelemetry`'s metric
 * producer, its metrics named by {@link DouyinMetrics.units} (`s` for every duration) and with
 * no unit label. Any `MetricReader` takes it: the OTLP exporter's
 * `PeriodicExportingMetricReader`, or the Prometheus exporter
 * (`@opentelemetry/exporter-prometheus`), which serves the text format for a scrape.
 *
 * Use {@link layerMetrics} in place of `NodeSdk.layer`'s `metricReader` (keep `NodeSdk.layer`
 * for spans and the resource): `@effect/opentelemetry` names a metric's unit only from a
 * `unit` or `time_unit` tag, which would also be a label on every data point.
 *
 * `@effect/opentelemetry` and `@opentelemetry/sdk-metrics` are optional peers: this module is a
 * subpath entry point (`@effect-douyin/core/DouyinTelemetry`), never loaded by the index.
 *
 * @example
 * ```ts
 * import * as DouyinTelemetry from "@effect-douyin/core/DouyinTelemetry"
 * import * as NodeSdk from "@effect/opentelemetry/NodeSdk"
 * import { PrometheusExporter } from "@opentelemetry/exporter-prometheus"
 * import { Layer } from "effect"
 *
 * // GET http://127.0.0.1:9464/metrics answers in the Prometheus text format
 * const Telemetry = DouyinTelemetry.layerMetrics(() => new PrometheusExporter({ host: "127.0.0.1", port: 9464 })).pipe(
 *   Layer.provideMerge(NodeSdk.layer(() => ({ resource: { serviceName: "fan-group-service" } })))
 * )
 * ```
 *
 * @since 0.4.0
 */
import * as Metrics from "@effect/opentelemetry/Metrics"
import type * as Resource from "@effect/opentelemetry/Resource"
import type { CollectionResult, MetricCollectOptions, MetricProducer, MetricReader } from "@opentelemetry/sdk-metrics"
import type { NonEmptyReadonlyArray } from "effect/Array"
import * as Effect from "effect/Effect"
import type { LazyArg } from "effect/Function"
import * as Layer from "effect/Layer"
import * as DouyinMetrics from "./DouyinMetrics.js"

/** The unit of `name`, from `units`, or what the producer said. */
const withUnit = (units: Readonly<Record<string, string>>) => (result: CollectionResult): CollectionResult => ({
  ...result,
  resourceMetrics: {
    ...result.resourceMetrics,
    scopeMetrics: result.resourceMetrics.scopeMetrics.map((scope) => ({
      ...scope,
      metrics: scope.metrics.map((metric) => {
        const unit = units[metric.descriptor.name]
        return unit === undefined ? metric : { ...metric, descriptor: { ...metric.descriptor, unit } }
      })
    }))
  }
})

/**
 * `producer`'s collections with each metric's unit from `units` (by metric name; default
 * {@link DouyinMetrics.units}): only the descriptor changes, the data points keep their labels.
 *
 * @since 0.4.0
 * @category constructors
 */
export const withUnits = (
  producer: MetricProducer,
  units: Readonly<Record<string, string>> = DouyinMetrics.units
): MetricProducer => {
  const annotate = withUnit(units)
  return {
    collect: (options?: MetricCollectOptions) => producer.collect(options).then(annotate)
  }
}

/**
 * `@effect/opentelemetry`'s producer of Effect's metrics (the SDK's among them), with the
 * units of {@link withUnits}.
 *
 * @since 0.4.0
 * @category constructors
 */
export const makeProducer = (
  units: Readonly<Record<string, string>> = DouyinMetrics.units
): Effect.Effect<MetricProducer, never, Resource.Resource> => Effect.map(Metrics.makeProducer, (producer) => withUnits(producer, units))

/**
 * Hands Effect's metrics, with their units, to the readers `evaluate` makes, for the life of the
 * layer; closing it shuts the readers down (a periodic exporter then pushes a last time). As
 * `@effect/opentelemetry`'s `Metrics.layer`, it needs the `Resource` (`NodeSdk.layer` provides
 * one).
 *
 * @example
 * ```ts
 * import * as DouyinTelemetry from "@effect-douyin/core/DouyinTelemetry"
 * import * as Resource from "@effect/opentelemetry/Resource"
 * import { OTLPMetricExporter } from "@opentelemetry/exporter-metrics-otlp-http"
 * import { PeriodicExportingMetricReader } from "@opentelemetry/sdk-metrics"
 * import { Layer } from "effect"
 *
 * const Metrics = DouyinTelemetry.layerMetrics(() =>
 *   new PeriodicExportingMetricReader({ exporter: new OTLPMetricExporter({ url: "http://localhost:4318/v1/metrics" }) })
 * ).pipe(Layer.provide(Resource.layer({ serviceName: "fan-group-service" })))
 * ```
 *
 * @since 0.4.0
 * @category layers
 */
export const layerMetrics = (
  evaluate: LazyArg<MetricReader | NonEmptyReadonlyArray<MetricReader>>,
  options?: {
    /** Units by metric name, for metrics of your own besides the SDK's (default {@link DouyinMetrics.units}). */
    readonly units?: Readonly<Record<string, string>> | undefined
  }
): Layer.Layer<never, never, Resource.Resource> =>
  Layer.scopedDiscard(Effect.flatMap(makeProducer(options?.units), (producer) => Metrics.registerProducer(producer, evaluate)))
