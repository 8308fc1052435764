/**
 * A real Redis server for tests: Debian's `redis-server` (installed by
 * `scripts/ensure-redis.sh`, which `pnpm test` runs first), started on a free port of
 * 127.0.0.1 with no persistence, one per test file. `stop` and `start` again on the same port
 * let a test take Redis away mid-run and bring it back (docs/reliability.md#fault-matrix, row 21).
 *
 * A missing `redis-server` fails the test that needs it: it is never skipped.
 */
import { type ChildProcess, spawn } from "node:child_process"
import * as Fs from "node:fs"
import * as Net from "node:net"
import * as Os from "node:os"
import * as Path from "node:path"
import { Effect, type Scope } from "effect"

export interface RedisServer {
  readonly port: number
  /** `redis://127.0.0.1:<port>` */
  readonly url: string
  /** Stops the server (SIGKILL: like a crash) and waits until the port is closed. */
  readonly stop: () => Promise<void>
  /** Starts it again on the same port and waits until it answers. */
  readonly start: () => Promise<void>
  /** Freezes the server (SIGSTOP): connections stay open, commands get no answer (a stalled Redis). */
  readonly pause: () => void
  /** Lets a paused server run again (SIGCONT). */
  readonly resume: () => void
}

const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const server = Net.createServer()
    server.once("error", reject)
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as Net.AddressInfo
      server.close(() => resolve(port))
    })
  })

const answers = (port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const socket = Net.connect({ host: "127.0.0.1", port })
    let data = ""
    socket.setTimeout(500)
    socket.once("connect", () => socket.write("PING\r\n"))
    socket.on("data", (chunk) => {
      data += chunk.toString()
      if (data.includes("PONG")) {
        socket.destroy()
        resolve(true)
      }
    })
    socket.once("timeout", () => {
      socket.destroy()
      resolve(false)
    })
    socket.once("error", () => resolve(false))
    socket.once("close", () => resolve(false))
  })

const waitUntil = async (check: () => Promise<boolean>, what: string, timeoutMs = 10_000) => {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    if (await check()) return
    await new Promise((r) => setTimeout(r, 25))
  }
  throw new Error(`redis-server: ${what} within ${timeoutMs} ms`)
}

export interface Options {
  /**
   * Keep the data across `stop`/`start` (append-only file, fsync on every write, in a temporary
   * directory), as a production Redis does; default `false`: no persistence.
   */
  readonly persistent?: boolean | undefined
}

/** Listens on `port` (127.0.0.1) and destroys every connection at once. */
const holdPort = (port: number): Promise<Net.Server> =>
  new Promise((resolve, reject) => {
    const server = Net.createServer((socket) => socket.destroy())
    server.once("error", reject)
    server.listen(port, "127.0.0.1", () => resolve(server))
  })

/** Starts a server; call `close` (or use {@link scoped}) when done. */
export const startRedis = async (
  options: Options = {}
): Promise<RedisServer & { readonly close: () => Promise<void> }> => {
  const port = await freePort()
  const dir = options.persistent === true ? Fs.mkdtempSync(Path.join(Os.tmpdir(), "redis-test-")) : undefined
  const persistence = dir === undefined
    ? ["--save", "", "--appendonly", "no"]
    : ["--save", "", "--appendonly", "yes", "--appendfsync", "always", "--dir", dir]
  let child: ChildProcess | undefined
  let stderr = ""
  // While stopped, the port is held by a listener that drops every connection (as a dead
  // Redis's port refuses them): without it another process (a second copy of the suite)
  // could start its own Redis there, and this test's clients would reconnect to it.
  let placeholder: Net.Server | undefined

  const start = async () => {
    if (placeholder !== undefined) {
      const held = placeholder
      placeholder = undefined
      await new Promise<void>((resolve) => held.close(() => resolve()))
    }
    const proc = spawn(
      "redis-server",
      ["--port", String(port), "--bind", "127.0.0.1", ...persistence, "--protected-mode", "yes"],
      { stdio: ["ignore", "ignore", "pipe"] }
    )
    child = proc
    proc.stderr?.on("data", (d) => (stderr += d.toString()))
    const failed = new Promise<never>((_, reject) => {
      proc.once("error", (e) => reject(new Error(`redis-server could not start (run scripts/ensure-redis.sh): ${e.message}`)))
    })
    await Promise.race([waitUntil(() => answers(port), `not answering on ${port}: ${stderr}`), failed])
  }

  const stop = async () => {
    const proc = child
    child = undefined
    if (proc === undefined || proc.exitCode !== null) return
    const exited = new Promise<void>((resolve) => proc.once("exit", () => resolve()))
    proc.kill("SIGKILL")
    await exited
    await waitUntil(async () => !(await answers(port)), "still answering after stop")
    placeholder = await holdPort(port)
  }

  const signal = (name: NodeJS.Signals) => () => {
    if (child === undefined || child.exitCode !== null) throw new Error(`redis-server is not running (${name})`)
    child.kill(name)
  }
  const pause = signal("SIGSTOP")
  const resume = signal("SIGCONT")

  await start()
  const close = async () => {
    await stop()
    await new Promise<void>((resolve) => placeholder === undefined ? resolve() : placeholder.close(() => resolve()))
    if (dir !== undefined) Fs.rmSync(dir, { recursive: true, force: true })
  }
  return { port, url: `redis://127.0.0.1:${port}`, start, stop, pause, resume, close }
}

/** A server for the lifetime of the scope. */
export const scoped: Effect.Effect<RedisServer, never, Scope.Scope> = Effect.acquireRelease(
  Effect.promise(() => startRedis()),
  (server) => Effect.promise(server.close)
)

/** A server that keeps its data across `stop`/`start`, for the lifetime of the scope. */
export const scopedPersistent: Effect.Effect<RedisServer, never, Scope.Scope> = Effect.acquireRelease(
  Effect.promise(() => startRedis({ persistent: true })),
  (server) => Effect.promise(server.close)
)
