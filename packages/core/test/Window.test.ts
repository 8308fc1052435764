import { describe, expect, it } from "@effect/vitest"
import { Clock, Effect } from "effect"
import * as Window from "../src/internal/window.js"

/** A clock at `micros` microseconds whose whole milliseconds lag its nanoseconds, as the live clock's do. */
const clockAt = (time: { micros: number }): Clock.Clock => ({
  [Clock.ClockTypeId]: Clock.ClockTypeId,
  unsafeCurrentTimeMillis: () => Math.floor(time.micros / 1000),
  unsafeCurrentTimeNanos: () => BigInt(time.micros) * BigInt(1000),
  currentTimeMillis: Effect.sync(() => Math.floor(time.micros / 1000)),
  currentTimeNanos: Effect.sync(() => BigInt(time.micros) * BigInt(1000)),
  sleep: () => Effect.void
})

describe("the sliding window (internal/window.ts)", () => {
  it.effect("an end stamped at .9 of a millisecond frees its room one whole interval later, not at the next whole millisecond", () =>
    Effect.gen(function*() {
      const time = { micros: 1_000_200 }
      const clock = clockAt(time)
      const window = new Window.Window("global 1 per 1s", 1, "1 second")
      const attempt = (endAtMicros: number) =>
        Window.tryWithPermit<"sent" | number, never, never>(
          clock,
          [window],
          1,
          Effect.sync(() => {
            time.micros = endAtMicros
            return "sent" as const
          }),
          (refusal) => Effect.succeed(refusal.retryAfterMillis)
        )
      // Sent at 1000.2 ms, ended at 1000.9 ms.
      expect(yield* attempt(1_000_900)).toBe("sent")
      // At 2000.0 ms a window stamped in whole milliseconds (1000) would be free again: a second
      // request 999.8 ms after the first, two in one second at the wire.
      time.micros = 2_000_000
      expect(yield* attempt(2_000_100)).toBe(1)
      time.micros = 2_000_899
      expect(yield* attempt(2_000_950)).toBe(1)
      time.micros = 2_000_900
      expect(yield* attempt(2_001_000)).toBe("sent")
    }))
})
