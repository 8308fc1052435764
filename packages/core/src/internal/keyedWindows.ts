/**
 * One {@link Window} per key (an `open_id`, an endpoint id), made on first use and dropped
 * once idle, so memory stays bounded however many keys pass through.
 *
 * A window with nothing pending, nothing in its log and nobody in its line behaves exactly
 * like a fresh one, so dropping it changes nothing. The map is kept in least-recently-used
 * order (a JS `Map` re-inserted on use) and swept from its old end on every lookup: O(1)
 * amortized, no scope, no fiber and no timer per key (an `RcMap` costs a scope per call and
 * a fiber per idle key).
 */
import type * as Clock from "effect/Clock"
import { nowMillis, type Window } from "./window.js"

interface Slot {
  readonly window: Window
  lastUsed: number
}

export class KeyedWindows {
  private readonly slots = new Map<string, Slot>()

  constructor(
    private readonly clock: Clock.Clock,
    /** The window of a new key (label, limit, interval). */
    private readonly create: (key: string) => Window,
    /** How long an idle key is kept after its last use (at least its interval). */
    private readonly idleMillis: (key: string) => number
  ) {}

  get(key: string): Window {
    const now = nowMillis(this.clock)
    let slot = this.slots.get(key)
    if (slot === undefined) {
      slot = { window: this.create(key), lastUsed: now }
    } else {
      this.slots.delete(key)
      slot.lastUsed = now
    }
    this.slots.set(key, slot)
    this.sweep(now)
    return slot.window
  }

  /** Drops idle keys from the least recently used end; stops at the first one still in use. */
  private sweep(now: number): void {
    for (const [key, slot] of this.slots) {
      if (slot.lastUsed + this.idleMillis(key) > now || !slot.window.isIdle(now)) return
      this.slots.delete(key)
    }
  }

  keys(): ReadonlyArray<string> {
    this.sweep(nowMillis(this.clock))
    return [...this.slots.keys()]
  }
}
