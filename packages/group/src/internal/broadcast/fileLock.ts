/**
 * A short-held lock across processes for the file journal: a lock file created exclusively
 * (`O_CREAT | O_EXCL`, flag `wx`) holding its holder's pid and host, removed when the work under
 * it ends. Work under it is a few file operations (read, append, fsync), so a waiter polls every
 * few milliseconds, on the real clock (a process is waited for, not SDK time).
 *
 * A holder that died inside (SIGKILL) leaves its file: on the same host the file is broken as
 * soon as its pid is gone; a holder on another host (a shared directory) after
 * {@link otherHostStaleMillis}. The file is renamed away before it is removed, so of two waiters
 * breaking it one succeeds; a waiter that finds it took a live holder's file (a new holder got
 * in between its check and its rename) puts it back.
 */
import * as FileSystem from "@effect/platform/FileSystem"
import type { PlatformError } from "@effect/platform/Error"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Os from "node:os"
import { BroadcastJournalError } from "./store.js"

/** A lock held by a process on another host is taken as dead after this long. */
export const otherHostStaleMillis = 30_000
/** How long a waiter waits for a live holder before failing. */
const waitMillis = 30_000

interface Holder {
  readonly pid: number
  readonly host: string
  readonly at: number
}

const parse = (text: string): Holder | undefined => {
  try {
    const value = JSON.parse(text) as Partial<Holder>
    return typeof value.pid === "number" && typeof value.host === "string" && typeof value.at === "number"
      ? { pid: value.pid, host: value.host, at: value.at }
      : undefined
  } catch {
    return undefined
  }
}

/** Whether process `pid` of this host is alive (EPERM: alive, owned by another user). */
export const isAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as { readonly code?: unknown }).code === "EPERM"
  }
}

/** This process, as lock and lease files name it. */
export const self = { pid: process.pid, host: Os.hostname() }

/** Whether a holder (of a lock or lease file) is gone: its process ended on this host. */
export const isGone = (holder: { readonly pid: number; readonly host: string }): boolean =>
  holder.host === self.host && !isAlive(holder.pid)

const sleep = (millis: number) => Effect.promise(() => new Promise<void>((resolve) => setTimeout(resolve, millis)))

const reasonIs = (reason: string) => (error: PlatformError) => error._tag === "SystemError" && error.reason === reason

export interface FileLock {
  /** Runs `effect` holding the lock file `file`, exclusive across processes. */
  readonly withLock: <A, E, R>(file: string, effect: Effect.Effect<A, E, R>) => Effect.Effect<A, E | BroadcastJournalError, R>
}

export const make: Effect.Effect<FileLock, never, FileSystem.FileSystem> = Effect.map(FileSystem.FileSystem, (fs) => {
  const fail = (operation: string) => (error: PlatformError) => new BroadcastJournalError({ operation, description: error.message })

  const create = (file: string, text: string) =>
    Effect.scoped(Effect.flatMap(fs.open(file, { flag: "wx", mode: 0o600 }), (f) => f.writeAll(new TextEncoder().encode(text))))

  /** Removes the lock file if its holder is gone; put back if what was moved turns out live. */
  const breakIfStale = (file: string) =>
    Effect.gen(function*() {
      const text = yield* fs.readFileString(file)
      const holder = parse(text)
      const stale = holder === undefined
        // Created but not yet written (or cut short by a crash): old enough by its mtime.
        ? Date.now() - Option.match((yield* fs.stat(file)).mtime, { onNone: () => 0, onSome: (d) => d.getTime() }) > 1_000
        : isGone(holder) || (holder.host !== self.host && Date.now() - holder.at > otherHostStaleMillis)
      if (!stale) return
      const moved = `${file}.${crypto.randomUUID()}.stale`
      yield* fs.rename(file, moved)
      if ((yield* fs.readFileString(moved)) !== text) {
        // A new holder got in between: give its file back (if nobody has taken the name since).
        yield* Effect.ignore(fs.link(moved, file))
      }
      yield* fs.remove(moved)
    }).pipe(Effect.catchIf(reasonIs("NotFound"), () => Effect.void))

  const acquire = (file: string) =>
    Effect.gen(function*() {
      const started = Date.now()
      for (let attempt = 0;; attempt++) {
        const text = JSON.stringify({ ...self, at: Date.now() })
        const created = yield* create(file, text).pipe(
          Effect.as(true),
          Effect.catchIf(reasonIs("AlreadyExists"), () => Effect.succeed(false)),
          Effect.mapError(fail("lock"))
        )
        if (created) return text
        if (Date.now() - started > waitMillis) {
          return yield* new BroadcastJournalError({
            operation: "lock",
            description: `${file} stayed held by a live process for ${waitMillis} ms`
          })
        }
        yield* Effect.mapError(breakIfStale(file), fail("lock"))
        yield* sleep(Math.min(10, 1 + attempt))
      }
    })

  const release = (file: string, text: string) =>
    Effect.ignore(Effect.flatMap(fs.readFileString(file), (found) => found === text ? fs.remove(file) : Effect.void))

  return {
    withLock: (file, effect) => Effect.acquireUseRelease(acquire(file), () => effect, (text) => release(file, text))
  }
})
