/**
 * One instance of an app checking OAuth states (a separate OS process, spawned by
 * test/oauth-state-instances.test.ts): its own `OAuthState` over nonces kept in a directory or
 * in Redis, verifying the states it is given and printing one JSON line per state.
 */
import { HttpClient } from "@effect/platform"
import { NodeContext } from "@effect/platform-node"
import { DouyinConfig, OAuth, OAuthState } from "@effect-douyin/core"
import * as OAuthStateRedis from "@effect-douyin/core/OAuthStateRedis"
import * as Redis from "@effect-douyin/core/Redis"
import { Effect, Layer, Redacted } from "effect"

export interface Config {
  readonly backend: "file" | "redis"
  readonly directory?: string
  readonly redisUrl?: string
  readonly clientKey: string
  readonly key: string
  readonly states: ReadonlyArray<string>
}

const config: Config = JSON.parse(process.argv[2]!)

const nonces: Layer.Layer<OAuthState.NonceStore, unknown> = config.backend === "file"
  ? OAuthState.layerNoncesFile(config.directory!).pipe(Layer.provide(NodeContext.layer))
  : OAuthStateRedis.layerNonces.pipe(Layer.provide(Redis.layer({ url: config.redisUrl!, prefix: "instances:" })))

const States = OAuthState.layer({ key: Redacted.make(config.key) }).pipe(
  Layer.provide(nonces),
  Layer.provide(OAuth.layer({ clientKey: config.clientKey, clientSecret: Redacted.make("unused") })),
  Layer.provide(DouyinConfig.layer()),
  // never used: verifying a state sends nothing
  Layer.provide(Layer.succeed(HttpClient.HttpClient, HttpClient.make(() => Effect.die("no request expected"))))
)

const program = Effect.gen(function*() {
  const states = yield* OAuthState.OAuthState
  yield* Effect.forEach(config.states, (state, index) =>
    Effect.flatMap(
      Effect.either(states.verify(state)),
      (result) =>
        Effect.sync(() =>
          console.log(JSON.stringify({
            index,
            result: result._tag === "Right" ? "ok" : result.left._tag === "OAuthStateError" ? result.left.reason : "store"
          }))
        )
    ))
})

Effect.runPromise(Effect.provide(program, States)).then(
  () => process.exit(0),
  (e) => {
    console.error(String(e))
    process.exit(1)
  }
)
