// A state works once across instances: two app instances, each its own OS process (node
// --import tsx test/support/stateWorker.ts) with its own OAuthState, verify the same states
// with their nonces in one directory, then in one real redis-server. For every state exactly one
// instance accepts it and the other sees it replayed. Each child is killed at its deadline.
import { NodeContext } from "@effect/platform-node"
import { DouyinConfig, DouyinTest, OAuth, OAuthState } from "@effect-douyin/core"
import { describe, expect, it } from "@effect/vitest"
import { Effect, Layer, Redacted } from "effect"
import * as Fs from "node:fs"
import * as Os from "node:os"
import * as Path from "node:path"
import * as Instances from "./support/Instances.js"
import * as RedisServer from "./support/RedisServer.js"
import type { Config } from "./support/stateWorker.js"

const worker = "test/support/stateWorker.ts"
const clientKey = "ck_state_instances"
const key = "state-key-shared-by-the-instances-0123456789"

/** Runs one instance to its end (killed after 120 s); its JSON lines. */
const instance = (config: Config): Effect.Effect<ReadonlyArray<{ readonly index: number; readonly result: string }>> =>
  Instances.runScript(worker, [JSON.stringify(config)], { timeoutMs: 120_000 })

/** 20 states issued by a third instance (this process). */
const issue = Effect.gen(function*() {
  const states = yield* OAuthState.OAuthState
  return yield* Effect.all(Array.from({ length: 20 }, (_, i) => states.issue(`tenant-${i}`)))
}).pipe(
  Effect.provide(
    OAuthState.layer({ key: Redacted.make(key) }).pipe(
      Layer.provide(OAuthState.layerNoncesMemory),
      Layer.provide(OAuth.layer({ clientKey, clientSecret: Redacted.make("unused") })),
      Layer.provide(DouyinTest.layer(() => DouyinTest.text(500, "no request expected"))),
      Layer.provide(DouyinConfig.layer())
    )
  )
)

const bothInstances = (backend: Omit<Config, "states" | "clientKey" | "key">) =>
  Effect.gen(function*() {
    const states = yield* issue
    const config = { ...backend, clientKey, key, states } as Config
    const [a, b] = yield* Effect.all([instance(config), instance(config)], { concurrency: 2 })
    expect(a).toHaveLength(20)
    expect(b).toHaveLength(20)
    for (let i = 0; i < 20; i++) {
      const results = [a[i]!.result, b[i]!.result].sort()
      expect(results).toEqual(["ok", "replayed"])
    }
  })

describe("OAuth state across instances (separate processes)", () => {
  it.live("nonces in one directory: every state accepted by exactly one instance", () =>
    Effect.gen(function*() {
      const directory = Fs.mkdtempSync(Path.join(Os.tmpdir(), "douyin-state-instances-"))
      yield* bothInstances({ backend: "file", directory }).pipe(
        Effect.ensuring(Effect.sync(() => Fs.rmSync(directory, { recursive: true, force: true })))
      )
    }).pipe(Effect.provide(NodeContext.layer)), 240_000)

  // Live clock: the states are issued here and checked by the children on the wall clock.
  it.live("nonces in one Redis: every state accepted by exactly one instance", () =>
    Effect.gen(function*() {
      const server = yield* RedisServer.scoped
      yield* bothInstances({ backend: "redis", redisUrl: server.url })
    }).pipe(Effect.scoped), 240_000)
})
