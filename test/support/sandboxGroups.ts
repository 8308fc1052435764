/**
 * Fan groups set up in the sandbox server through the real API (over a loopback socket), for
 * tests that then broadcast to them.
 */
import { CreateFanGroup } from "@effect-douyin/group"
import { FanGroupSandbox } from "@effect-douyin/sandbox"
import { Effect, Layer } from "effect"
import { clientOver } from "./loopbackClient.js"

/** `n` groups spread in turn over `creators` (each given the quota it needs), as targets. */
export const createGroups = (url: string, n: number, creators: ReadonlyArray<string>) =>
  Effect.gen(function*() {
    const sandbox = yield* FanGroupSandbox.FanGroupSandbox
    for (const c of creators) yield* sandbox.setQuota(c, Math.ceil(n / creators.length))
    return yield* Effect.forEach(Array.from({ length: n }, (_, i) => i), (i) => {
      const openId = creators[i % creators.length]!
      return Effect.map(
        CreateFanGroup.create({ openId, groupName: `fans ${i}`, description: "d", avatarUri: "https://a/b.png" }),
        ({ groupId }) => ({ openId, groupId })
      )
    }, { concurrency: 8 }).pipe(
      Effect.provide(CreateFanGroup.layer.pipe(Layer.provide(clientOver(url, { token: FanGroupSandbox.defaultToken })))),
      Effect.orDie
    )
  })
