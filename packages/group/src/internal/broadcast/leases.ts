/**
 * Leases held within one process (the memory journal), timed by `Clock` so `TestClock`
 * drives their expiry.
 */
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Ref from "effect/Ref"

interface Lease {
  readonly owner: string
  readonly until: number
}

export interface Leases {
  readonly acquire: (id: string, owner: string, ttlMillis: number) => Effect.Effect<boolean>
  readonly renew: (id: string, owner: string, ttlMillis: number) => Effect.Effect<boolean>
  readonly release: (id: string, owner: string) => Effect.Effect<void>
}

export const makeLeases: Effect.Effect<Leases> = Effect.map(
  Ref.make<ReadonlyMap<string, Lease>>(new Map()),
  (ref): Leases => {
    const take = (id: string, owner: string, ttlMillis: number, onlyIfHeld: boolean) =>
      Effect.flatMap(Clock.currentTimeMillis, (now) =>
        Ref.modify(ref, (leases) => {
          const held = leases.get(id)
          const free = held === undefined || held.until <= now
          const mine = held !== undefined && held.owner === owner && held.until > now
          if (onlyIfHeld ? !mine : !(free || mine)) return [false, leases] as const
          return [true, new Map(leases).set(id, { owner, until: now + ttlMillis })] as const
        }))
    return {
      acquire: (id, owner, ttlMillis) => take(id, owner, ttlMillis, false),
      renew: (id, owner, ttlMillis) => take(id, owner, ttlMillis, true),
      release: (id, owner) =>
        Ref.update(ref, (leases) => {
          if (leases.get(id)?.owner !== owner) return leases
          const next = new Map(leases)
          next.delete(id)
          return next
        })
    }
  }
)
