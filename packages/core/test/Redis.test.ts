import { describe, expect, it } from "@effect/vitest"
import * as Redis from "@effect-douyin/core/Redis"
import { Effect, Exit, Schedule } from "effect"
import * as RedisServer from "../../../test/support/RedisServer.js"

describe("Redis", () => {
  it.live(
    "runs commands against a real server, fails typed while it is down, recovers when it returns",
    () =>
      Effect.scoped(Effect.gen(function*() {
        const server = yield* RedisServer.scoped
        const redis = yield* Redis.make({ url: server.url, prefix: "t:" })
        expect(yield* redis.use((c) => c.set("t:k", "v"))).toBe("OK")
        expect(yield* redis.use((c) => c.get("t:k"))).toBe("v")
        yield* Effect.promise(server.stop)
        const down = yield* Effect.exit(redis.use((c) => c.get("t:k"), "get"))
        expect(Exit.isFailure(down)).toBe(true)
        if (Exit.isFailure(down)) expect(String(down.cause)).toContain("RedisError")
        yield* Effect.promise(server.start)
        // reconnects in the background (retry at most every second)
        const back = yield* redis.use((c) => c.ping()).pipe(
          Effect.retry({ times: 40, schedule: Schedule.spaced("100 millis") })
        )
        expect(back).toBe("PONG")
      })),
    { timeout: 20_000 }
  )

  it.live("a layer pointed at no server fails with RedisError, not a defect", () =>
    Effect.gen(function*() {
      const exit = yield* Effect.exit(Effect.scoped(Redis.make({ url: "redis://127.0.0.1:1", connectTimeout: "1 second" })))
      expect(Exit.isFailure(exit) && String(exit.cause).includes("RedisError")).toBe(true)
    }))
})
