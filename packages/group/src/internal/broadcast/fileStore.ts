/**
 * The embedded journal backend: one append-only file per broadcast under a directory.
 *
 * Line 1 is `{"plan": …, "entries": [...]}` (the broadcast as created, written to a temporary
 * file, flushed and renamed, so it appears whole or not at all); every later line is one change
 * `{"t": <target>, "e": <entry>}`, flushed (`fsync`) before the change is reported done: the
 * `InFlight` record of a send is on disk before its request leaves, so even a host crash turns
 * it into "unknown", never into a silent re-send. A SIGKILL can cut only the last append short:
 * reading drops a partial last line (and truncates it away before appending again), and the
 * state before it is the truth.
 *
 * Across processes (several processes of one app on one directory):
 * - every operation on a broadcast runs under its lock file (`<id>.lock`, see `fileLock.ts`) and
 *   re-reads the journal when another process changed it (size or inode differ from what this
 *   process last saw), so compare-and-set is atomic across processes, as on Redis;
 * - the broadcast's lease is a file (`<id>.lease`: owner, pid, host, expiry), read and replaced
 *   under that lock: one runner at a time. It ends at its expiry (renewed while the run lasts),
 *   or at once when its process has died on this host (SIGKILL), so a resume does not wait for
 *   a dead run's lease.
 */
import * as FileSystem from "@effect/platform/FileSystem"
import * as Path from "@effect/platform/Path"
import type { PlatformError } from "@effect/platform/Error"
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as HashMap from "effect/HashMap"
import * as Option from "effect/Option"
import * as Ref from "effect/Ref"
import * as FileLock from "./fileLock.js"
import { BroadcastJournalError, describe, type RawStore } from "./store.js"

interface Loaded {
  readonly plan: string
  readonly entries: HashMap.HashMap<number, string>
}

/** A journal as this process last read or wrote it: the state, and the file it came from. */
interface Known {
  readonly loaded: Loaded
  readonly bytes: number
  readonly ino: number | undefined
}

const Header = (u: unknown): u is { readonly plan: string; readonly entries: ReadonlyArray<string> } =>
  typeof u === "object" && u !== null && typeof (u as { plan?: unknown }).plan === "string" &&
  Array.isArray((u as { entries?: unknown }).entries) &&
  (u as { entries: ReadonlyArray<unknown> }).entries.every((e) => typeof e === "string")

const Change = (u: unknown): u is { readonly t: number; readonly e: string } =>
  typeof u === "object" && u !== null && Number.isInteger((u as { t?: unknown }).t) &&
  typeof (u as { e?: unknown }).e === "string"

const parse = (line: string): unknown => {
  try {
    return JSON.parse(line)
  } catch {
    return undefined
  }
}

/** Replays a journal file; `validLength` ends after the last complete line. */
const replay = (text: string): { readonly loaded: Loaded; readonly validLength: number } | string => {
  let offset = 0
  let loaded: Loaded | undefined
  while (offset < text.length) {
    const end = text.indexOf("\n", offset)
    const line = end < 0 ? text.slice(offset) : text.slice(offset, end)
    const value = parse(line)
    const last = end < 0 || end === text.length - 1
    const ok = loaded === undefined ? Header(value) : Change(value)
    if (!ok || end < 0) {
      // A cut-short append is the last line; anything else is corruption.
      if (last && loaded !== undefined) break
      return `line at byte ${offset} is not a journal ${loaded === undefined ? "header" : "change"}`
    }
    if (loaded === undefined) {
      const header = value as { readonly plan: string; readonly entries: ReadonlyArray<string> }
      loaded = { plan: header.plan, entries: HashMap.fromIterable(header.entries.entries()) }
    } else {
      const change = value as { readonly t: number; readonly e: string }
      if (!HashMap.has(loaded.entries, change.t)) return `change for target ${change.t}, which the plan does not have`
      loaded = { ...loaded, entries: HashMap.set(loaded.entries, change.t, change.e) }
    }
    offset = end + 1
  }
  return loaded === undefined ? "empty journal file" : { loaded, validLength: offset }
}

interface Lease {
  readonly owner: string
  readonly pid: number
  readonly host: string
  readonly until: number
}

const parseLease = (text: string): Lease | undefined => {
  try {
    const value = JSON.parse(text) as Partial<Lease>
    return typeof value.owner === "string" && typeof value.pid === "number" && typeof value.host === "string" &&
        typeof value.until === "number"
      ? { owner: value.owner, pid: value.pid, host: value.host, until: value.until }
      : undefined
  } catch {
    return undefined
  }
}

const notFound = (error: PlatformError) => error._tag === "SystemError" && error.reason === "NotFound"

export const makeFileStore = (
  directory: string
): Effect.Effect<RawStore, BroadcastJournalError, FileSystem.FileSystem | Path.Path> =>
  Effect.gen(function*() {
    const fs = yield* FileSystem.FileSystem
    const path = yield* Path.Path
    const fail = (operation: string) => (cause: unknown) => new BroadcastJournalError({ operation, description: describe(cause) })
    yield* Effect.mapError(fs.makeDirectory(directory, { recursive: true }), fail("open directory"))

    const base = (id: string) => path.join(directory, encodeURIComponent(id))
    const fileOf = (id: string) => `${base(id)}.journal`
    const known = yield* Ref.make(new Map<string, Known>())
    const remember = (id: string, next: Known | undefined) =>
      Ref.update(known, (m) => {
        const copy = new Map(m)
        if (next === undefined) copy.delete(id)
        else copy.set(id, next)
        return copy
      })
    // One operation at a time in this process, and per broadcast across processes.
    const inProcess = yield* Effect.makeSemaphore(1)
    const files = yield* FileLock.make
    const locked = <A>(id: string, effect: Effect.Effect<A, BroadcastJournalError>) =>
      inProcess.withPermits(1)(files.withLock(`${base(id)}.lock`, effect))

    /** Writes `text` to a new file and flushes it before it is renamed to `target`. */
    const writeDurably = (target: string, text: string) => {
      const temporary = `${target}.${crypto.randomUUID()}.tmp`
      return Effect.scoped(
        Effect.flatMap(
          fs.open(temporary, { flag: "wx", mode: 0o600 }),
          (file) => Effect.zipRight(file.writeAll(new TextEncoder().encode(text)), file.sync)
        )
      ).pipe(
        Effect.zipRight(fs.rename(temporary, target)),
        Effect.tapError(() => Effect.ignore(fs.remove(temporary)))
      )
    }

    /** The journal's state, re-read when the file is not the one this process last saw. */
    const load = (id: string): Effect.Effect<Option.Option<Loaded>, BroadcastJournalError> =>
      Effect.gen(function*() {
        const file = fileOf(id)
        const info = yield* fs.stat(file).pipe(
          Effect.map(Option.some),
          Effect.catchIf(notFound, () => Effect.succeedNone),
          Effect.mapError(fail("read"))
        )
        if (Option.isNone(info)) {
          yield* remember(id, undefined)
          return Option.none()
        }
        const ino = Option.getOrUndefined(info.value.ino)
        const cached = (yield* Ref.get(known)).get(id)
        if (cached !== undefined && cached.bytes === Number(info.value.size) && cached.ino === ino) {
          return Option.some(cached.loaded)
        }
        const text = yield* Effect.mapError(fs.readFileString(file), fail("read"))
        const result = replay(text)
        if (typeof result === "string") {
          return yield* new BroadcastJournalError({ operation: "read", description: `${file}: ${result}` })
        }
        const bytes = Buffer.byteLength(text.slice(0, result.validLength))
        if (bytes < Buffer.byteLength(text)) {
          yield* Effect.mapError(fs.truncate(file, bytes), fail("repair"))
        }
        yield* remember(id, { loaded: result.loaded, bytes, ino })
        return Option.some(result.loaded)
      })

    /** Appends one line and flushes it (`fsync`) before returning. */
    const append = (id: string, line: string) =>
      Effect.scoped(
        Effect.flatMap(
          fs.open(fileOf(id), { flag: "a" }),
          (file) => Effect.zipRight(file.writeAll(new TextEncoder().encode(line)), file.sync)
        )
      ).pipe(Effect.mapError(fail("append")))

    const leaseFile = (id: string) => `${base(id)}.lease`
    const readLease = (id: string) =>
      fs.readFileString(leaseFile(id)).pipe(
        Effect.map(parseLease),
        Effect.catchIf(notFound, () => Effect.succeed(undefined)),
        Effect.mapError(fail("lease"))
      )
    // A lease ends at its expiry, or at once when its process is gone (SIGKILL on this host).
    const live = (lease: Lease | undefined, now: number): lease is Lease =>
      lease !== undefined && now < lease.until && !FileLock.isGone(lease)
    const writeLease = (id: string, owner: string, until: number) =>
      Effect.mapError(
        writeDurably(leaseFile(id), JSON.stringify({ owner, pid: FileLock.self.pid, host: FileLock.self.host, until })),
        fail("lease")
      )
    const takeLease = (id: string, owner: string, ttlMillis: number, onlyIfHeld: boolean) =>
      locked(
        id,
        Effect.gen(function*() {
          const now = yield* Clock.currentTimeMillis
          const held = yield* readLease(id)
          const mine = live(held, now) && held.owner === owner
          if (onlyIfHeld ? !mine : live(held, now) && !mine) return false
          yield* writeLease(id, owner, now + ttlMillis)
          return true
        })
      )

    return {
      create: (id, plan, entries) =>
        locked(
          id,
          Effect.gen(function*() {
            const existing = yield* load(id)
            if (Option.isSome(existing)) return Option.some(existing.value.plan)
            yield* Effect.mapError(writeDurably(fileOf(id), JSON.stringify({ plan, entries }) + "\n"), fail("create"))
            // The new name itself is durable once the directory is flushed (where the platform can).
            yield* Effect.ignore(Effect.scoped(Effect.flatMap(fs.open(directory, { flag: "r" }), (d) => d.sync)))
            yield* load(id)
            return Option.none()
          })
        ),
      plan: (id) => locked(id, Effect.map(load(id), Option.map((l) => l.plan))),
      entries: (id) =>
        locked(
          id,
          Effect.map(load(id), (l) =>
            Option.match(l, {
              onNone: () => [],
              onSome: (l) => Array.from(l.entries).sort(([a], [b]) => a - b)
            }))
        ),
      compareAndSet: (id, target, expected, next) =>
        locked(
          id,
          Effect.gen(function*() {
            const loaded = yield* load(id)
            if (Option.isNone(loaded)) return false
            if (Option.getOrUndefined(HashMap.get(loaded.value.entries, target)) !== expected) return false
            const line = JSON.stringify({ t: target, e: next }) + "\n"
            yield* append(id, line)
            const before = (yield* Ref.get(known)).get(id)!
            yield* remember(id, {
              ...before,
              loaded: { ...loaded.value, entries: HashMap.set(loaded.value.entries, target, next) },
              bytes: before.bytes + Buffer.byteLength(line)
            })
            return true
          })
        ),
      acquireLease: (id, owner, ttlMillis) => takeLease(id, owner, ttlMillis, false),
      renewLease: (id, owner, ttlMillis) => takeLease(id, owner, ttlMillis, true),
      releaseLease: (id, owner) =>
        locked(
          id,
          Effect.flatMap(readLease(id), (held) =>
            held?.owner === owner
              ? Effect.mapError(Effect.catchIf(fs.remove(leaseFile(id)), notFound, () => Effect.void), fail("lease"))
              : Effect.void)
        )
    } satisfies RawStore
  })
