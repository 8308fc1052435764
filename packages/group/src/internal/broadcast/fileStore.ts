/**
 * The embedded journal backend: one append-only file per broadcast under a directory.
 *
 * Line 1 is `{"plan": …, "entries": [...]}` (the broadcast as created, written to a temporary
 * file and renamed, so it appears whole or not at all); every later line is one change
 * `{"t": <target>, "e": <entry>}`. A SIGKILL can cut only the last append short: reading drops
 * a partial last line (and truncates it away before appending again), and the state before it
 * is the truth, since `InFlight` is always written before a request leaves.
 *
 * The current state of each open broadcast is kept in memory and changed under one lock, so
 * compare-and-set holds within the process; the file store is for one instance at a time.
 */
import * as FileSystem from "@effect/platform/FileSystem"
import * as Path from "@effect/platform/Path"
import * as Effect from "effect/Effect"
import * as HashMap from "effect/HashMap"
import * as Option from "effect/Option"
import * as Ref from "effect/Ref"
import { makeLeases } from "./leases.js"
import { BroadcastJournalError, describe, type RawStore } from "./store.js"

interface Loaded {
  readonly plan: string
  readonly entries: HashMap.HashMap<number, string>
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

export const makeFileStore = (
  directory: string
): Effect.Effect<RawStore, BroadcastJournalError, FileSystem.FileSystem | Path.Path> =>
  Effect.gen(function*() {
    const fs = yield* FileSystem.FileSystem
    const path = yield* Path.Path
    const fail = (operation: string) => (cause: unknown) => new BroadcastJournalError({ operation, description: describe(cause) })
    yield* Effect.mapError(fs.makeDirectory(directory, { recursive: true }), fail("open directory"))

    const fileOf = (id: string) => path.join(directory, `${encodeURIComponent(id)}.journal`)
    const open = yield* Ref.make(new Map<string, Loaded>())
    const lock = yield* Effect.makeSemaphore(1)
    const leases = yield* makeLeases

    const load = (id: string): Effect.Effect<Option.Option<Loaded>, BroadcastJournalError> =>
      Effect.gen(function*() {
        const cached = (yield* Ref.get(open)).get(id)
        if (cached !== undefined) return Option.some(cached)
        const file = fileOf(id)
        if (!(yield* Effect.mapError(fs.exists(file), fail("read")))) return Option.none()
        const text = yield* Effect.mapError(fs.readFileString(file), fail("read"))
        const result = replay(text)
        if (typeof result === "string") {
          return yield* new BroadcastJournalError({ operation: "read", description: `${file}: ${result}` })
        }
        if (result.validLength < text.length) {
          yield* Effect.mapError(fs.truncate(file, Buffer.byteLength(text.slice(0, result.validLength))), fail("repair"))
        }
        yield* Ref.update(open, (m) => new Map(m).set(id, result.loaded))
        return Option.some(result.loaded)
      })

    const locked = lock.withPermits(1)

    return {
      create: (id, plan, entries) =>
        locked(Effect.gen(function*() {
          const existing = yield* load(id)
          if (Option.isSome(existing)) return Option.some(existing.value.plan)
          const file = fileOf(id)
          const temporary = `${file}.${crypto.randomUUID()}.tmp`
          yield* Effect.mapError(
            Effect.zipRight(
              fs.writeFileString(temporary, JSON.stringify({ plan, entries }) + "\n"),
              fs.rename(temporary, file)
            ),
            fail("create")
          )
          yield* Ref.update(open, (m) => new Map(m).set(id, { plan, entries: HashMap.fromIterable(entries.entries()) }))
          return Option.none()
        })),
      plan: (id) => locked(Effect.map(load(id), Option.map((l) => l.plan))),
      entries: (id) =>
        locked(Effect.map(load(id), (l) =>
          Option.match(l, {
            onNone: () => [],
            onSome: (l) => Array.from(l.entries).sort(([a], [b]) => a - b)
          }))),
      compareAndSet: (id, target, expected, next) =>
        locked(Effect.gen(function*() {
          const loaded = yield* load(id)
          if (Option.isNone(loaded)) return false
          if (Option.getOrUndefined(HashMap.get(loaded.value.entries, target)) !== expected) return false
          yield* Effect.mapError(
            fs.writeFileString(fileOf(id), JSON.stringify({ t: target, e: next }) + "\n", { flag: "a" }),
            fail("append")
          )
          yield* Ref.update(open, (m) => new Map(m).set(id, { ...loaded.value, entries: HashMap.set(loaded.value.entries, target, next) }))
          return true
        })),
      acquireLease: leases.acquire,
      renewLease: leases.renew,
      releaseLease: leases.release
    } satisfies RawStore
  })
