/**
 * The `douyin-sandbox` command: the emulated Open Platform on a loopback socket, for local runs
 * of an app. It prints the base URL and the `DOUYIN_*` lines to paste into the app's
 * environment, and serves until Ctrl-C (SIGINT) or SIGTERM, which close the socket and exit 0.
 *
 * ```sh
 * npx douyin-sandbox --port 8787 --seed demo.json \
 *   --webhook-url http://127.0.0.1:3000/webhooks/douyin --webhook-secret my-app-secret
 * ```
 *
 * @example
 * ```ts
 * import { SandboxCli } from "@effect-douyin/sandbox"
 *
 * // What the bin does with its arguments: parse them (or say what is wrong), then serve.
 * const parsed = SandboxCli.parse(["--port", "0"])
 * if (parsed._tag === "Run") console.log(parsed.options.port)
 * ```
 *
 * @since 0.1.0
 */
import * as Fs from "node:fs"
import { parseArgs } from "node:util"
import * as NodeRuntime from "@effect/platform-node/NodeRuntime"
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import * as Schema from "effect/Schema"
import * as FanGroupSandbox from "./FanGroupSandbox.js"
import * as SandboxServer from "./SandboxServer.js"

/**
 * What the command line asks for.
 *
 * @example
 * ```ts
 * import { SandboxCli } from "@effect-douyin/sandbox"
 *
 * const options = (argv: ReadonlyArray<string>): SandboxCli.CliOptions | undefined => {
 *   const parsed = SandboxCli.parse(argv)
 *   return parsed._tag === "Run" ? parsed.options : undefined
 * }
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export interface CliOptions {
  readonly port: number
  readonly seed: FanGroupSandbox.Seed | undefined
  readonly seedFile: string | undefined
  readonly clientKey: string
  readonly clientSecret: Redacted.Redacted<string>
  readonly webhookUrl: string | undefined
  readonly webhookSecret: Redacted.Redacted<string> | undefined
  readonly lenient: boolean
}

/**
 * The outcome of parsing: run, print the help, or a usage error (exit status 2).
 *
 * @example
 * ```ts
 * import { SandboxCli } from "@effect-douyin/sandbox"
 *
 * const describe = (parsed: SandboxCli.Parsed): string => parsed._tag === "Invalid" ? parsed.message : parsed._tag
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export type Parsed =
  | { readonly _tag: "Run"; readonly options: CliOptions }
  | { readonly _tag: "Help" }
  | { readonly _tag: "Invalid"; readonly message: string }

/**
 * The help text.
 *
 * @example
 * ```ts
 * import { SandboxCli } from "@effect-douyin/sandbox"
 *
 * const flags = SandboxCli.usage.split("\n").filter((line) => line.trimStart().startsWith("--"))
 * ```
 *
 * @since 0.1.0
 * @category constants
 */
export const usage = `Usage: douyin-sandbox [options]

A local Douyin Open Platform (fan-group API, OAuth, webhooks) on 127.0.0.1.

Options:
  --port <n>              port to listen on (default 8787; 0 picks a free one)
  --seed <file.json>      creators (with tokens), quota and groups to start with
  --client-key <key>      the app's client_key (default ${FanGroupSandbox.defaultClientKey})
  --client-secret <s>     the app's client_secret (default ${FanGroupSandbox.defaultClientSecret})
  --webhook-url <url>     deliver webhooks (signed, with Msg-Id, retried) to this URL
  --webhook-secret <s>    the secret deliveries are signed with (default: the client secret)
  --lenient               accept any token for an unknown open_id and ignore unknown fields
                          (Douyin does neither; off by default)
  --help                  this text

Ctrl-C stops it.`

const invalid = (message: string): Parsed => ({ _tag: "Invalid", message })

const decodeSeed = Schema.decodeUnknownEither(Schema.parseJson(FanGroupSandbox.Seed))

/**
 * Parses the arguments (without `node` and the script). Reads the seed file when one is named.
 *
 * @example
 * ```ts
 * import { SandboxCli } from "@effect-douyin/sandbox"
 *
 * const parsed = SandboxCli.parse(["--port", "8787", "--lenient"])
 * // parsed._tag === "Run", parsed.options.port === 8787
 * ```
 *
 * @since 0.1.0
 * @category parsing
 */
export const parse = (argv: ReadonlyArray<string>): Parsed => {
  let values: Record<string, string | boolean | undefined>
  try {
    values = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        port: { type: "string" },
        seed: { type: "string" },
        "client-key": { type: "string" },
        "client-secret": { type: "string" },
        "webhook-url": { type: "string" },
        "webhook-secret": { type: "string" },
        lenient: { type: "boolean" },
        help: { type: "boolean", short: "h" }
      }
    }).values
  } catch (e) {
    return invalid(e instanceof Error ? e.message : String(e))
  }
  if (values["help"] === true) return { _tag: "Help" }
  const str = (k: string) => values[k] as string | undefined

  const portText = str("port") ?? "8787"
  const port = /^\d+$/.test(portText) ? Number(portText) : NaN
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    return invalid(`--port must be a whole number from 0 to 65535, got "${portText}"`)
  }

  let seed: FanGroupSandbox.Seed | undefined
  const seedFile = str("seed")
  if (seedFile !== undefined) {
    let text: string
    try {
      text = Fs.readFileSync(seedFile, "utf8")
    } catch (e) {
      return invalid(`--seed ${seedFile}: cannot read the file (${(e as NodeJS.ErrnoException).code ?? String(e)})`)
    }
    const decoded = decodeSeed(text)
    if (Either.isLeft(decoded)) return invalid(`--seed ${seedFile}: not a valid seed\n${decoded.left.message}`)
    seed = decoded.right
  }

  const webhookUrl = str("webhook-url")
  if (webhookUrl !== undefined) {
    let url: URL | undefined
    try {
      url = new URL(webhookUrl)
    } catch {
      url = undefined
    }
    if (url === undefined || (url.protocol !== "http:" && url.protocol !== "https:")) {
      return invalid(`--webhook-url must be an http:// or https:// URL, got "${webhookUrl}"`)
    }
  }
  const webhookSecret = str("webhook-secret")
  if (webhookSecret !== undefined && webhookUrl === undefined) {
    return invalid("--webhook-secret needs --webhook-url (where to deliver)")
  }
  for (const k of ["client-key", "client-secret", "webhook-secret"]) {
    if (values[k] !== undefined && (values[k] as string).trim() === "") return invalid(`--${k} must not be empty`)
  }
  return {
    _tag: "Run",
    options: {
      port,
      seed,
      seedFile,
      clientKey: str("client-key") ?? FanGroupSandbox.defaultClientKey,
      clientSecret: Redacted.make(str("client-secret") ?? FanGroupSandbox.defaultClientSecret),
      webhookUrl,
      webhookSecret: webhookSecret === undefined ? undefined : Redacted.make(webhookSecret),
      lenient: values["lenient"] === true
    }
  }
}

/** The creator a sandbox started without a seed has: authorized, with a token. */
const demoSeed: FanGroupSandbox.Seed = { creators: [{ open_id: "creator-demo" }] }

/**
 * The lines the command prints once it listens: the base URL and the environment to paste.
 *
 * @example
 * ```ts
 * import { SandboxCli } from "@effect-douyin/sandbox"
 *
 * const parsed = SandboxCli.parse(["--port", "8787"])
 * const text = parsed._tag === "Run"
 *   ? SandboxCli.banner("http://127.0.0.1:8787", parsed.options, [{ openId: "creator-demo", accessToken: "act.demo" }])
 *   : ""
 * ```
 *
 * @since 0.1.0
 * @category formatting
 */
export const banner = (
  url: string,
  options: CliOptions,
  creators: ReadonlyArray<FanGroupSandbox.SeededCreator>
): string => {
  const first = creators[0]
  return [
    `Douyin sandbox listening on ${url}`,
    `  inspector: ${url}/sandbox/`,
    `  admin API: POST ${url}/sandbox/admin`,
    ...(options.webhookUrl === undefined ? [] : [`  webhooks:  ${options.webhookUrl}`]),
    ...creators.map((c) => `  creator:   ${c.openId} (token ${c.accessToken})`),
    "",
    "Paste into your app's environment:",
    `DOUYIN_BASE_URL=${url}`,
    `DOUYIN_CLIENT_KEY=${options.clientKey}`,
    `DOUYIN_CLIENT_SECRET=${Redacted.value(options.clientSecret)}`,
    ...(first === undefined ? [] : [`DOUYIN_OPEN_ID=${first.openId}`, `DOUYIN_ACCESS_TOKEN=${first.accessToken}`]),
    "",
    "Ctrl-C to stop."
  ].join("\n")
}

/**
 * Serves the sandbox the options describe until interrupted.
 *
 * @example
 * ```ts
 * import { SandboxCli } from "@effect-douyin/sandbox"
 *
 * // what `douyin-sandbox --port 8787` runs (not run here: it serves until interrupted)
 * const parsed = SandboxCli.parse(["--port", "8787"])
 * const program = parsed._tag === "Run" ? SandboxCli.serve(parsed.options) : undefined
 * ```
 *
 * @since 0.1.0
 * @category running
 */
export const serve = (options: CliOptions): Effect.Effect<never, unknown> =>
  Layer.launch(
    Layer.scopedDiscard(Effect.gen(function*() {
      const url = yield* SandboxServer.url
      const sandbox = yield* FanGroupSandbox.FanGroupSandbox
      const creators = yield* sandbox.seed(options.seed ?? demoSeed)
      yield* Console.log(banner(url, options, creators))
      yield* Effect.addFinalizer(() => Console.log("douyin-sandbox: stopped"))
    })).pipe(
      Layer.provideMerge(SandboxServer.layer({
        port: options.port,
        clientKey: options.clientKey,
        clientSecret: options.clientSecret,
        lenient: options.lenient,
        webhook: options.webhookUrl === undefined
          ? undefined
          : { url: options.webhookUrl, secret: options.webhookSecret ?? options.clientSecret }
      }))
    )
  )

/**
 * The bin's entry point: parses `argv`, prints the help or the error (exit 2), or serves.
 *
 * @example
 * ```ts
 * import { SandboxCli } from "@effect-douyin/sandbox"
 *
 * // the bin: `--help` prints the usage and returns
 * SandboxCli.main(["--help"])
 * ```
 *
 * @since 0.1.0
 * @category running
 */
export const main = (argv: ReadonlyArray<string>): void => {
  const parsed = parse(argv)
  switch (parsed._tag) {
    case "Help":
      console.log(usage)
      return
    case "Invalid":
      console.error(`douyin-sandbox: ${parsed.message}\n\n${usage}`)
      process.exitCode = 2
      return
    case "Run":
      NodeRuntime.runMain(serve(parsed.options), { disableErrorReporting: false })
  }
}
