/**
 * Token entries as files of one directory, through `@effect/platform`'s `FileSystem`.
 *
 * `KeyValueStore.layerFileSystem` would be the library's answer, but its `set` rewrites the
 * file in place (a crash or a second process mid-write leaves a torn entry) with the default
 * mode (readable by everyone under the usual umask). So writes here go to a temporary file of
 * this process (mode 0600, synced), then are renamed over the entry: atomic on POSIX, so two
 * processes of the app writing at once leave one whole entry, never a mix. The directory is
 * created with mode 0700. A lease is a lock file created exclusively (`wx`) holding its
 * expiry; an expired lock (a crashed holder) is taken over.
 */
import * as FileSystem from "@effect/platform/FileSystem"
import * as Path from "@effect/platform/Path"
import type { PlatformError } from "@effect/platform/Error"
import * as Arr from "effect/Array"
import * as Clock from "effect/Clock"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Crypto from "node:crypto"
import { type Backend, type Key, type Listed, StoreFailure, withPolledLease } from "./storeBackend.js"

// encodeURIComponent never leaves a "+", so "+" separates the two parts unambiguously.
const fileName = (key: Key) => `${encodeURIComponent(key.clientKey)}+${encodeURIComponent(key.openId)}.json`

const failure = (operation: string) => (error: PlatformError) => new StoreFailure({ operation, description: error.message })

const notFound = (error: PlatformError) => error._tag === "SystemError" && error.reason === "NotFound"
const exists = (error: PlatformError) => error._tag === "SystemError" && error.reason === "AlreadyExists"

export const make = (directory: string): Effect.Effect<Backend, StoreFailure, FileSystem.FileSystem | Path.Path> =>
  Effect.gen(function*() {
    const fs = yield* FileSystem.FileSystem
    const path = yield* Path.Path
    yield* fs.makeDirectory(directory, { recursive: true, mode: 0o700 }).pipe(Effect.mapError(failure("open directory")))
    const pathOf = (key: Key) => path.join(directory, fileName(key))

    // Write a new file next to the target (same directory: same file system, so rename is atomic).
    const writeAtomically = (target: string, text: string) => {
      const temp = `${target}.${process.pid}.${Crypto.randomUUID()}.tmp`
      return Effect.scoped(
        Effect.flatMap(fs.open(temp, { flag: "wx", mode: 0o600 }), (file) =>
          Effect.zipRight(file.writeAll(new TextEncoder().encode(text)), file.sync))
      ).pipe(
        Effect.zipRight(fs.rename(temp, target)),
        Effect.tapError(() =>
          Effect.ignore(fs.remove(temp))
        ),
        Effect.mapError(failure("write"))
      )
    }

    const read = (key: Key) =>
      fs.readFileString(pathOf(key)).pipe(
        Effect.map(Option.some),
        Effect.catchIf(notFound, () => Effect.succeed(Option.none())),
        Effect.mapError(failure("read"))
      )

    const remove = (key: Key) =>
      fs.remove(pathOf(key)).pipe(Effect.catchIf(notFound, () => Effect.void), Effect.mapError(failure("remove")))

    // A name this store did not write (a malformed or non-canonical escape, e.g. `ck+%.json`)
    // is reported by its file name, never decoded into an open_id it is not.
    const openIdOf = (encoded: string): string | undefined => {
      try {
        const openId = decodeURIComponent(encoded)
        return encodeURIComponent(openId) === encoded ? openId : undefined
      } catch {
        return undefined
      }
    }

    const entries = (clientKey: string) => {
      const prefix = `${encodeURIComponent(clientKey)}+`
      const listed = (name: string): Effect.Effect<Option.Option<Listed>> => {
        const openId = openIdOf(name.slice(prefix.length, -".json".length))
        if (openId === undefined) {
          return Effect.succeedSome({
            _tag: "Unreadable",
            entry: name,
            openId: undefined,
            reason: "name",
            description: "the file name is not one this store writes (a stray file in the token directory)"
          })
        }
        return fs.readFileString(path.join(directory, name)).pipe(
          Effect.map((text): Option.Option<Listed> => Option.some({ _tag: "Stored", entry: name, openId, text })),
          Effect.catchAll((error) =>
            notFound(error)
              ? Effect.succeedNone
              : Effect.succeedSome<Listed>({ _tag: "Unreadable", entry: name, openId, reason: "read", description: error.message })
          )
        )
      }
      return Effect.mapError(fs.readDirectory(directory), failure("list")).pipe(
        Effect.flatMap((names) =>
          Effect.forEach(names.filter((n) => n.startsWith(prefix) && n.endsWith(".json")), listed, { concurrency: 16 })
        ),
        Effect.map(Arr.getSomes)
      )
    }

    const withLease = <A, E, R>(key: Key, ttl: Duration.Duration, effect: Effect.Effect<A, E, R>) => {
      const lock = `${pathOf(key)}.lock`
      const owner = Crypto.randomUUID()
      const release = Effect.ignore(
        Effect.flatMap(fs.readFileString(lock), (text) => text.startsWith(owner) ? fs.remove(lock) : Effect.void)
      )
      const create = (now: number) =>
        Effect.scoped(
          Effect.flatMap(
            fs.open(lock, { flag: "wx", mode: 0o600 }),
            (file) => file.writeAll(new TextEncoder().encode(`${owner} ${now + Duration.toMillis(ttl)}`))
          )
        )
      // An expired lock (its holder crashed) is removed; the next poll creates it anew, and of
      // two pollers only one `wx` succeeds. (Two takers racing over the same expired lock can
      // remove each other's; Redis' lease has no such window.)
      const takeOverIfExpired = (now: number) =>
        Effect.flatMap(fs.readFileString(lock), (text) => {
          const expiresAt = Number(text.split(" ")[1])
          return Number.isFinite(expiresAt) && now < expiresAt ? Effect.void : fs.remove(lock)
        }).pipe(Effect.catchIf(notFound, () => Effect.void))
      const tryAcquire = Effect.flatMap(Clock.currentTimeMillis, (now) =>
        create(now).pipe(
          Effect.as(Option.some(release)),
          Effect.catchIf(exists, () => Effect.as(takeOverIfExpired(now), Option.none())),
          Effect.mapError(failure("lease"))
        ))
      return withPolledLease({ ttl, tryAcquire, effect })
    }

    return {
      name: "file",
      read,
      write: (key, text) => writeAtomically(pathOf(key), text),
      remove,
      entries,
      withLease
    } satisfies Backend
  })
