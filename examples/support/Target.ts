/**
 * Where the examples send their requests, chosen from the environment:
 *
 * - nothing set: an embedded sandbox, in-process (no credentials, no network);
 * - `DOUYIN_BASE_URL=<url>` only: a running sandbox server (`pnpm sandbox` prints its URL);
 * - `DOUYIN_ACCESS_TOKEN` and `DOUYIN_OPEN_ID`: the real API (`DOUYIN_BASE_URL` overrides the
 *   host); steps that create or send are skipped unless `--allow-writes` is given.
 */
import { resolve } from "node:path"
import { pathToFileURL } from "node:url"
import type { HttpClient } from "@effect/platform"
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import { AccessToken, ClientToken, DouyinClient, DouyinConfig, OAuth, RateLimit, Retry } from "@effect-douyin/core"
import { FanGroupApi, MediaApi } from "@effect-douyin/group"
import { FanGroupSandbox } from "@effect-douyin/sandbox"
import { Config, type ConfigError, Context, Effect, Layer, Option, Redacted } from "effect"

export type Kind = "embedded" | "sandbox-server" | "douyin"

export interface Service {
  readonly kind: Kind
  /** One line for the transcript. */
  readonly description: string
  /** The operator (`open_id`) whose groups the example manages. */
  readonly openId: string
  /** Sandbox admin operations (simulate applicants, tokens, quota); `None` on the real API. */
  readonly admin: Option.Option<FanGroupSandbox.Admin>
  /** Whether steps that create or send may run. Always true on a sandbox. */
  readonly allowWrites: boolean
}

export class Target extends Context.Tag("examples/Target")<Target, Service>() {}

export interface Options {
  /** `--allow-writes` was given. */
  readonly allowWrites?: boolean | undefined
  /** Options of the embedded sandbox. */
  readonly sandbox?: FanGroupSandbox.Options | undefined
  /** The operator on a sandbox (default `creator-demo`). */
  readonly sandboxOpenId?: string | undefined
}

const env = Config.all({
  baseUrl: Config.option(Config.nonEmptyString("DOUYIN_BASE_URL")),
  token: Config.option(Config.redacted("DOUYIN_ACCESS_TOKEN")),
  openId: Config.option(Config.nonEmptyString("DOUYIN_OPEN_ID"))
})

/**
 * The HTTP client, config and `Target`, without a token source: for examples that bring their
 * own `AccessToken` (multi-creator).
 */
export const layerTransport = (
  options: Options = {}
): Layer.Layer<
  HttpClient.HttpClient | DouyinConfig.DouyinConfig | Target,
  ConfigError.ConfigError | FanGroupSandbox.SandboxAdminError
> =>
  Layer.unwrapEffect(Effect.map(env, ({ baseUrl, openId, token }) => {
    const sandboxOpenId = options.sandboxOpenId ?? "creator-demo"
    if (Option.isSome(token) && Option.isSome(openId)) {
      return Layer.unwrapEffect(Effect.map(DouyinConfig.make({ baseUrl: Option.getOrUndefined(baseUrl) }), (config) =>
        Layer.mergeAll(
          NodeHttpClient.layerUndici,
          Layer.succeed(DouyinConfig.DouyinConfig, config),
          Layer.succeed(Target, {
            kind: "douyin",
            description: `Douyin Open Platform at ${config.baseUrl} (${
              options.allowWrites === true ? "writes allowed" : "read-only: pass --allow-writes to create and send"
            })`,
            openId: openId.value,
            admin: Option.none(),
            allowWrites: options.allowWrites === true
          })
        )))
    }
    if (Option.isSome(baseUrl)) {
      return Layer.effectContext(Effect.gen(function*() {
        const admin = yield* FanGroupSandbox.makeRemote(baseUrl.value)
        const config = yield* DouyinConfig.make({ baseUrl: baseUrl.value })
        // The creator has authorized the app: the sandbox, like Douyin, accepts only its token.
        yield* admin.registerToken({ openId: sandboxOpenId, token: Redacted.make(FanGroupSandbox.defaultToken) })
        return Context.make(Target, {
          kind: "sandbox-server",
          description: `sandbox server at ${baseUrl.value}`,
          openId: sandboxOpenId,
          admin: Option.some(admin),
          allowWrites: true
        }).pipe(Context.add(DouyinConfig.DouyinConfig, config))
      })).pipe(Layer.provideMerge(NodeHttpClient.layerUndici))
    }
    return Layer.effectContext(
      Effect.zipWith(
        Effect.tap(FanGroupSandbox.FanGroupSandbox, (sandbox) =>
          // The creator has authorized the app: the sandbox, like Douyin, accepts only its token.
          sandbox.registerToken({ openId: sandboxOpenId, token: Redacted.make(FanGroupSandbox.defaultToken) })),
        DouyinConfig.make(),
        (sandbox, config) =>
          Context.make(Target, {
            kind: "embedded",
            description: "embedded sandbox (in-process, no credentials; set DOUYIN_ACCESS_TOKEN and DOUYIN_OPEN_ID for the real API)",
            openId: sandboxOpenId,
            admin: Option.some<FanGroupSandbox.Admin>(sandbox),
            allowWrites: true
          }).pipe(Context.add(DouyinConfig.DouyinConfig, config))
      )
    ).pipe(
      // This layer's HttpClient is the transport of the examples: here, the sandbox's client.
      Layer.provideMerge(FanGroupSandbox.layerHttpClient),
      Layer.provideMerge(FanGroupSandbox.layer(options.sandbox)),
      Layer.map(Context.omit(FanGroupSandbox.FanGroupSandbox))
    )
  }))

/** A static token: `DOUYIN_ACCESS_TOKEN` on the real API, the sandbox's default token otherwise. */
export const layerToken: Layer.Layer<AccessToken.AccessToken, ConfigError.ConfigError> = Layer.unwrapEffect(
  Effect.map(
    Config.option(Config.redacted("DOUYIN_ACCESS_TOKEN")),
    (token) => AccessToken.layerStatic(Option.getOrElse(token, () => Redacted.make(FanGroupSandbox.defaultToken)))
  )
)

/**
 * The app's client token (image upload, card templates): `DOUYIN_CLIENT_TOKEN` on the real API;
 * on a sandbox, one the sandbox issues from its `/oauth/client_token/` for its default app
 * credentials (like Douyin, it refuses a client token it did not issue).
 */
export const layerClientToken: Layer.Layer<
  ClientToken.ClientToken,
  ConfigError.ConfigError,
  HttpClient.HttpClient | DouyinConfig.DouyinConfig
> = Layer.unwrapEffect(
  Effect.map(
    Config.option(Config.redacted("DOUYIN_CLIENT_TOKEN")),
    Option.match({
      onSome: (token) => ClientToken.layerStatic(token),
      onNone: () =>
        ClientToken.layer().pipe(
          Layer.provide(OAuth.layer({
            clientKey: FanGroupSandbox.defaultClientKey,
            clientSecret: Redacted.make(FanGroupSandbox.defaultClientSecret)
          }))
        )
    })
  )
)

/** The fan-group and media endpoint services and the `Target`. */
export const layerApi = (
  options: Options = {}
): Layer.Layer<
  FanGroupApi.FanGroupApi | MediaApi.MediaApi | Target,
  ConfigError.ConfigError | FanGroupSandbox.SandboxAdminError
> =>
  Layer.merge(FanGroupApi.layer, MediaApi.layer).pipe(
    Layer.provide(layerClientToken),
    Layer.provide(DouyinClient.layer),
    // Examples show each request as it is sent: no retry, no limit (chosen, not defaulted).
    Layer.provide(Retry.layerDisabled),
    Layer.provide(RateLimit.layerDisabled),
    Layer.provide(layerToken),
    Layer.provideMerge(layerTransport(options))
  )

/** True when `importMetaUrl` is the script node was started with (run, not imported). */
export const isMain = (importMetaUrl: string): boolean =>
  process.argv[1] !== undefined && pathToFileURL(resolve(process.argv[1])).href === importMetaUrl
