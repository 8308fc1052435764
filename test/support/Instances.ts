/**
 * Spawns app instances (`instance.ts`) as separate OS processes (`node --import tsx`), each
 * bounded in time: a process still running at its deadline is killed and the test fails.
 */
import { type ChildProcess, spawn } from "node:child_process"
import * as Path from "node:path"
import { fileURLToPath } from "node:url"
import { Effect, type Scope } from "effect"
import type { Config } from "./instance.js"

const script = Path.join(Path.dirname(fileURLToPath(import.meta.url)), "instance.ts")
const root = Path.resolve(Path.dirname(fileURLToPath(import.meta.url)), "../..")

export interface Instance {
  readonly child: ChildProcess
  /** The JSON lines printed so far. */
  readonly lines: Array<any>
  /** Resolves with every line once the process has exited. */
  readonly exited: Promise<{ readonly code: number | null; readonly lines: Array<any>; readonly stderr: string }>
  /** Resolves with the first line for which `f` holds. */
  readonly line: (f: (line: any) => boolean) => Promise<any>
}

export const start = (config: Config, options: { readonly timeoutMs?: number } = {}): Instance => {
  const child = spawn(process.execPath, ["--import", "tsx", script, JSON.stringify(config)], {
    cwd: root,
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
  const exited = new Promise<{ code: number | null; lines: Array<any>; stderr: string }>((resolve) =>
    child.once("exit", (code) => {
      clearTimeout(timer)
      resolve({ code, lines, stderr })
    })
  )
  const line = (f: (line: any) => boolean) =>
    new Promise<any>((resolve, reject) => {
      const check = () => {
        const found = lines.find(f)
        if (found !== undefined) resolve(found)
      }
      listeners.push(check)
      check()
      void exited.then(() => {
        check()
        reject(new Error(`instance exited without the expected line; stdout ${JSON.stringify(lines)}; stderr ${stderr.slice(-2000)}`))
      })
    })
  return { child, lines, exited, line }
}

/** Runs an instance to its end and returns its lines; fails on a non-zero exit. */
export const run = (config: Config, options: { readonly timeoutMs?: number } = {}) =>
  Effect.promise(async () => {
    const result = await start(config, options).exited
    if (result.code !== 0) {
      throw new Error(`instance ${config.mode} exited with ${result.code}: ${JSON.stringify(result.lines)} ${result.stderr.slice(-2000)}`)
    }
    return result.lines
  })

/** An instance killed (SIGKILL) when the scope closes, if still running. */
export const scoped = (config: Config, options: { readonly timeoutMs?: number } = {}): Effect.Effect<Instance, never, Scope.Scope> =>
  Effect.acquireRelease(Effect.sync(() => start(config, options)), (i) =>
    Effect.promise(async () => {
      if (i.child.exitCode === null && i.child.signalCode === null) i.child.kill("SIGKILL")
      await i.exited
    }))
