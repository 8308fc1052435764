/**
 * `pnpm tsx examples/observability.ts`: the SDK's spans and metrics leave the process over
 * OTLP/HTTP, through `@effect/opentelemetry`'s `NodeSdk`, to any collector (the OpenTelemetry
 * Collector, Grafana Alloy, Jaeger, Honeycomb…) at `OTEL_EXPORTER_OTLP_ENDPOINT`
 * (default `http://localhost:4318`).
 *
 * What arrives:
 * - a span per call, named by the endpoint id (`group/SendGroupMessage`), a child of your own
 *   span, with the OpenTelemetry HTTP attributes (`http.request.method`, `url.path`,
 *   `server.address`, `http.response.status_code`, `error.type`) and `douyin.*` ones
 *   (`douyin.endpoint`, `douyin.idempotency`, `douyin.logid`, `douyin.attempts` on every call,
 *   `douyin.code` / `douyin.sub_code` on a failure, `douyin.ratelimit.wait.duration` when the
 *   call waited for a permit, `douyin.client_request_id`); never a token;
 * - the metrics of `DouyinMetrics` (`douyin.client.calls`, `douyin.client.retries`,
 *   `douyin.client.outcome_unknown`, …) with their endpoint / outcome tags, durations in
 *   seconds (unit `s`).
 *
 * Target (see support/Target.ts): an embedded sandbox by default. On a sandbox the example
 * makes the story visible: the send meets two "system busy" answers (retried), and the quota
 * allows one group, so the second create fails with `DouyinQuotaError` (caught).
 */
import * as DouyinTelemetry from "@effect-douyin/core/DouyinTelemetry"
import * as NodeSdk from "@effect/opentelemetry/NodeSdk"
import * as NodeRuntime from "@effect/platform-node/NodeRuntime"
import { DouyinClient, RateLimit, Retry } from "@effect-douyin/core"
import { CreateFanGroup, FanGroupApi, FanGroupQuota, MessageContent, SendGroupMessage } from "@effect-douyin/group"
import { FanGroupSandbox } from "@effect-douyin/sandbox"
import { OTLPMetricExporter } from "@opentelemetry/exporter-metrics-otlp-http"
import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-http"
import { PeriodicExportingMetricReader } from "@opentelemetry/sdk-metrics"
import { BatchSpanProcessor } from "@opentelemetry/sdk-trace-base"
import { Config, Console, Effect, Layer, Option } from "effect"
import * as Target from "./support/Target.js"

/**
 * Spans and metrics to an OTLP/HTTP collector at `endpoint` (`/v1/traces`, `/v1/metrics`).
 * Closing the layer flushes both, so a short program loses nothing. The metrics go through
 * `DouyinTelemetry.layerMetrics`, which names their units (`s` for durations) without a unit
 * label; `NodeSdk.layer` carries the spans and the resource.
 */
export const layerTelemetry = (options: {
  readonly endpoint: string
  readonly serviceName?: string | undefined
  /** How often metrics are pushed (default 10 s); the last push happens at shutdown. */
  readonly metricsIntervalMillis?: number | undefined
}) =>
  DouyinTelemetry.layerMetrics(() =>
    new PeriodicExportingMetricReader({
      exporter: new OTLPMetricExporter({ url: `${options.endpoint}/v1/metrics` }),
      exportIntervalMillis: options.metricsIntervalMillis ?? 10_000
    })
  ).pipe(
    Layer.provideMerge(NodeSdk.layer(() => ({
      resource: { serviceName: options.serviceName ?? "fan-group-service" },
      spanProcessor: new BatchSpanProcessor(new OTLPTraceExporter({ url: `${options.endpoint}/v1/traces` }))
    })))
  )

/** {@link layerTelemetry} at `OTEL_EXPORTER_OTLP_ENDPOINT` (default `http://localhost:4318`). */
export const layerTelemetryConfig = Layer.unwrapEffect(
  Effect.map(
    Config.string("OTEL_EXPORTER_OTLP_ENDPOINT").pipe(Config.withDefault("http://localhost:4318")),
    (endpoint) => layerTelemetry({ endpoint: endpoint.replace(/\/+$/, "") })
  )
)

/** The endpoint services with retry and rate limit, as in production, plus the `Target`. */
export const layerApi = FanGroupApi.layer.pipe(
  Layer.provide(DouyinClient.layer),
  Layer.provide(Retry.layer({ base: "20 millis" })),
  Layer.provide(RateLimit.layerDefault),
  Layer.provide(Target.layerToken),
  Layer.provideMerge(Target.layerTransport())
)

/** Your own code: one span of yours around the SDK's calls. */
export const announceLaunch = Effect.gen(function*() {
  const { admin, openId } = yield* Target.Target
  if (Option.isSome(admin)) {
    yield* admin.value.setQuota(openId, 1)
    yield* admin.value.inject(FanGroupSandbox.busy({ times: 2, route: "POST /im/send/msg/group/" }))
  }
  const { leftCount } = yield* FanGroupQuota.remaining({ openId })
  yield* Console.log(`quota: ${leftCount} more group(s)`)
  const { groupId } = yield* CreateFanGroup.create({
    openId,
    groupName: "Launch day",
    description: "Made by the observability example",
    avatarUri: "https://example.com/launch.png",
    groupType: "streamer",
    openAuditSwitch: false
  })
  const { msgId } = yield* SendGroupMessage.send({ openId, groupId, content: MessageContent.text("We are live!") })
  yield* Console.log(`sent ${msgId} to ${groupId}`)
  // The quota is spent: a typed failure, caught, and visible as a failed span and a metric.
  yield* CreateFanGroup.create({
    openId,
    groupName: "Launch day 2",
    description: "One too many",
    avatarUri: "https://example.com/launch.png",
    groupType: "streamer",
    openAuditSwitch: false
  }).pipe(Effect.catchTag("DouyinQuotaError", (e) => Console.log(`second group: ${e.message}`)))
}).pipe(Effect.withSpan("announce-launch"))

/** The whole program: the telemetry layer outside, so it flushes after the calls. */
export const main = announceLaunch.pipe(
  Effect.provide(layerApi),
  Effect.provide(layerTelemetryConfig)
)

if (Target.isMain(import.meta.url)) NodeRuntime.runMain(main)
