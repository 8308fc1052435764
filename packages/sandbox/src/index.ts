/**
 * `@effect-douyin/sandbox`: a local Douyin Open Platform for the fan-group API, for tests and
 * demos (a devDependency).
 *
 * @since 0.1.0
 */

/**
 * A stateful emulator of the fan-group API (in-process `HttpClient` and `HttpApp` faces).
 *
 * @since 0.1.0
 */
export * as FanGroupSandbox from "./FanGroupSandbox.js"

/**
 * The `douyin-sandbox` command: arguments, banner, serving until Ctrl-C.
 *
 * @since 0.1.0
 */
export * as SandboxCli from "./SandboxCli.js"

/**
 * The emulator served by Node on a real loopback socket.
 *
 * @since 0.1.0
 */
export * as SandboxServer from "./SandboxServer.js"

/**
 * Webhook deliveries as Douyin makes them: event constructors, signing, posting.
 *
 * @since 0.1.0
 */
export * as SandboxWebhook from "./SandboxWebhook.js"

/**
 * A test layer for the whole stack over the in-process sandbox.
 *
 * @since 0.1.0
 */
export * as SandboxTest from "./SandboxTest.js"
