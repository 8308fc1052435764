/**
 * One instance of an app for the multi-process rate-limit test (docs/reliability.md#fault-matrix, row 17), run
 * as its own OS process by `test/rate-instances.test.ts`: a client whose `RateLimit` windows
 * live in the shared Redis, firing `CALLS` count calls at once against the test's loopback
 * server. It waits for `GO` on stdin so that every instance starts together, and prints one
 * JSON line: `{ ok, failed }` (the `_tag`s of the failures).
 *
 * Env: `BASE_URL`, `REDIS_URL`, `REDIS_PREFIX`, `CALLS`, `LIMIT` (global, per second).
 */
import { Endpoint } from "@effect-douyin/core"
import * as RateLimitRedis from "@effect-douyin/core/RateLimitRedis"
import * as Redis from "@effect-douyin/core/Redis"
import { FanGroupQuota } from "@effect-douyin/group"
import { Effect, Layer } from "effect"
import { clientOver } from "./loopbackClient.js"

const env = (name: string) => {
  const value = process.env[name]
  if (value === undefined) throw new Error(`rateLimitWorker: ${name} is not set`)
  return value
}

const calls = Number(env("CALLS"))
const limit = Number(env("LIMIT"))

const Client = clientOver(env("BASE_URL"), {
  rateLimit: RateLimitRedis.layer({ global: { limit, interval: "1 second" } }).pipe(
    // A generous command timeout: this test is about the shared limit, not outages (a loaded CI
    // machine once took over 2 s to answer one script).
    Layer.provide(Redis.layer({ url: env("REDIS_URL"), prefix: env("REDIS_PREFIX"), commandTimeout: "10 seconds" }))
  ),
  config: { callTimeout: "1 minute" }
})

const go = Effect.async<void>((resume) => {
  process.stdin.once("data", () => resume(Effect.void))
})

const program = Effect.gen(function*() {
  const count = yield* Endpoint.handler(FanGroupQuota.descriptor)
  // Build the layers (connect to Redis) before saying ready.
  process.stdout.write("READY\n")
  yield* go
  const results = yield* Effect.forEach(
    Array.from({ length: calls }, (_, i) => `op-${process.pid}-${i % 5}`),
    (openId) => Effect.either(count({ openId })),
    { concurrency: "unbounded" }
  )
  const failed = results.flatMap((r) => (r._tag === "Left" ? [r.left._tag] : []))
  process.stdout.write(JSON.stringify({ ok: results.length - failed.length, failed }) + "\n")
}).pipe(Effect.provide(Client))

Effect.runPromise(program).then(
  () => process.exit(0),
  (error) => {
    process.stderr.write(String(error) + "\n")
    process.exit(1)
  }
)
