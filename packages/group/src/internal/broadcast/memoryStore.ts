/**
 * The in-memory journal backend: a `Ref` owned by the layer.
 */
import * as Effect from "effect/Effect"
import * as HashMap from "effect/HashMap"
import * as Option from "effect/Option"
import * as Ref from "effect/Ref"
import { makeLeases } from "./leases.js"
import type { RawStore } from "./store.js"

interface Stored {
  readonly plan: string
  readonly entries: HashMap.HashMap<number, string>
}

export const makeMemoryStore: Effect.Effect<RawStore> = Effect.gen(function*() {
  const ref = yield* Ref.make(HashMap.empty<string, Stored>())
  const leases = yield* makeLeases
  return {
    create: (id, plan, entries) =>
      Ref.modify(ref, (all) =>
        Option.match(HashMap.get(all, id), {
          onSome: (existing) => [Option.some(existing.plan), all] as const,
          onNone: () => [Option.none(), HashMap.set(all, id, { plan, entries: HashMap.fromIterable(entries.entries()) })] as const
        })),
    plan: (id) => Effect.map(Ref.get(ref), (all) => Option.map(HashMap.get(all, id), (s) => s.plan)),
    entries: (id) =>
      Effect.map(Ref.get(ref), (all) =>
        Option.match(HashMap.get(all, id), {
          onNone: () => [],
          onSome: (s) => Array.from(s.entries).sort(([a], [b]) => a - b)
        })),
    compareAndSet: (id, target, expected, next) =>
      Ref.modify(ref, (all) => {
        const stored = HashMap.get(all, id)
        if (Option.isNone(stored) || Option.getOrUndefined(HashMap.get(stored.value.entries, target)) !== expected) {
          return [false, all] as const
        }
        return [true, HashMap.set(all, id, { ...stored.value, entries: HashMap.set(stored.value.entries, target, next) })] as const
      }),
    acquireLease: leases.acquire,
    renewLease: leases.renew,
    releaseLease: leases.release
  } satisfies RawStore
})
