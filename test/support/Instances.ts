/**
 * Spawns app instances (`instance.ts`, or another worker script) as separate OS processes
 * (`node --import tsx`), each bounded in time: a process still running at its deadline is killed
 * and the test fails.
 */
import { type ChildProcess, spawn } from "node:child_process"
import * as Path from "node:path"
import { fileURLToPath } from "node:url"
import { Effect, type Scope } from "effect"
import type { Config } from "./instance.js"

const root = Path.resolve(Path.dirname(fileURLToPath(import.meta.url)), "../..")
const script = "test/support/instance.ts"

export interface Instance {
  readonly child: ChildProcess
  /** The JSON lines printed so far. */
  readonly lines: Array<any>
  /** The other (non-empty) lines printed so far: the SDK's own log lines. */
  readonly logs: Array<string>
  /** Resolves with every line once the process has exited (`code` null when killed by `signal`). */
  readonly exited: Promise<{
    readonly code: number | null
    readonly signal: NodeJS.Signals | null
    readonly lines: Array<any>
    readonly stderr: string
  }>
  /** Resolves with the first JSON line for which `f` holds; rejects if the process ends first. */
  readonly line: (f: (line: any) => boolean) => Promise<any>
  /** Resolves with the first log line for which `f` holds; rejects if the process ends first. */
  readonly log: (f: (line: string) => boolean) => Promise<string>
}

export interface Options {
  /** Killed (SIGKILL) when still running after this long; default 60 s. */
  readonly timeoutMs?: number
}

export interface ProcessOptions extends Options {
  /** The whole environment of the process (nothing inherited); default this process's. */
  readonly env?: NodeJS.ProcessEnv
}

/** Runs `file` (a path from the repository root) with `args`; its JSON lines are its results. */
export const startScript = (file: string, args: ReadonlyArray<string>, options: ProcessOptions = {}): Instance => {
  const child = spawn(process.execPath, ["--import", "tsx", Path.join(root, file), ...args], {
    cwd: root,
    ...(options.env === undefined ? {} : { env: options.env }),
    stdio: ["pipe", "pipe", "pipe"]
  })
  const lines: Array<any> = []
  const logs: Array<string> = []
  const listeners: Array<() => void> = []
  let stderr = ""
  let buffer = ""
  child.stdout!.on("data", (chunk: Buffer) => {
    buffer += chunk.toString("utf8")
    const parts = buffer.split("\n")
    buffer = parts.pop() ?? ""
    // JSON lines are results; anything else (the SDK's own log lines) is kept as a log.
    for (const part of parts) {
      if (part.startsWith("{")) lines.push(JSON.parse(part))
      else if (part.trim() !== "") logs.push(part)
    }
    for (const l of listeners.slice()) l()
  })
  child.stderr!.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")))
  // Generous: starting `tsx` takes seconds on a loaded 2-core machine.
  const timer = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs ?? 60_000)
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; lines: Array<any>; stderr: string }>((resolve) =>
    child.once("exit", (code, signal) => {
      clearTimeout(timer)
      resolve({ code, signal, lines, stderr })
    })
  )
  const waitFor = <A>(printed: Array<A>, f: (line: A) => boolean) =>
    new Promise<A>((resolve, reject) => {
      const check = () => {
        const found = printed.find(f)
        if (found !== undefined) resolve(found)
      }
      listeners.push(check)
      check()
      void exited.then(() => {
        check()
        reject(new Error(`instance exited without the expected line; stdout ${JSON.stringify(lines)}; stderr ${stderr.slice(-2000)}`))
      })
    })
  return { child, lines, logs, exited, line: (f) => waitFor(lines, f), log: (f) => waitFor(logs, f) }
}

/** An app instance (`instance.ts`) given `config`. */
export const start = (config: Config, options: Options = {}): Instance => startScript(script, [JSON.stringify(config)], options)

/** Waits for `instance` to end and returns its lines; fails on a non-zero exit (`name` says which). */
export const finished = (instance: Instance, name: string) =>
  Effect.promise(async () => {
    const result = await instance.exited
    if (result.code !== 0) {
      throw new Error(`${name} exited with ${result.code}: ${JSON.stringify(result.lines)} ${result.stderr.slice(-2000)}`)
    }
    return result.lines
  })

/** Runs an instance to its end and returns its lines; fails on a non-zero exit. */
export const run = (config: Config, options: Options = {}) =>
  Effect.suspend(() => finished(start(config, options), `instance ${config.mode}`))

/** A process killed (SIGKILL) when the scope closes, if still running. */
export const scopedScript = (
  file: string,
  args: ReadonlyArray<string>,
  options: ProcessOptions = {}
): Effect.Effect<Instance, never, Scope.Scope> =>
  Effect.acquireRelease(Effect.sync(() => startScript(file, args, options)), (i) =>
    Effect.promise(async () => {
      if (i.child.exitCode === null && i.child.signalCode === null) i.child.kill("SIGKILL")
      await i.exited
    }))

/** Runs `file` to its end and returns its JSON lines; fails on a non-zero exit; killed (SIGKILL) if interrupted. */
export const runScript = (file: string, args: ReadonlyArray<string>, options: ProcessOptions = {}) =>
  Effect.scoped(Effect.flatMap(scopedScript(file, args, options), (i) => finished(i, file)))

/** An instance killed (SIGKILL) when the scope closes, if still running. */
export const scoped = (config: Config, options: Options = {}): Effect.Effect<Instance, never, Scope.Scope> =>
  scopedScript(script, [JSON.stringify(config)], options)
