/**
 * A broadcast to 1 000 targets under a 50/s global limit, over a real loopback
 * socket to the sandbox server, on the wall clock (the limit is a promise about the wire).
 *
 * Measured twice: at the send instant (the injected `HttpClient`'s `execute`, send requests
 * only) and at the server (each message's `sentAt` in the sandbox's log). In every sliding
 * 1 s window there are at most 50 of either, with no tolerance. All 1 000 complete, each group
 * has the message once, and the embedded file journal agrees with the server: every entry
 * `Sent` with the msg id the server logged for that group.
 *
 * Bounded: 1 000 sends (≥ 20 s at 50/s), a 120 s test timeout, one server on 127.0.0.1.
 */
import type * as ConfigError from "effect/ConfigError"
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { HttpClient } from "@effect/platform"
import { NodeContext, NodeHttpClient } from "@effect/platform-node"
import { describe, expect, it } from "@effect/vitest"
import { RateLimit, Retry } from "@effect-douyin/core"
import { Broadcast, BroadcastJournal, MessageContent, SendGroupMessage } from "@effect-douyin/group"
import { FanGroupSandbox } from "@effect-douyin/sandbox"
import { Chunk, Effect, Layer, Stream } from "effect"
import * as SandboxServer from "@effect-douyin/sandbox/SandboxServer"
import { clientOver } from "./support/loopbackClient.js"
import { createGroups } from "./support/sandboxGroups.js"
import { busiest } from "./support/windows.js"

const targetCount = 1000
const limit = 50
const windowMillis = 1000
const creators = Array.from({ length: 10 }, (_, i) => `creator-${i}`)

/** The embedded file journal in `directory`; a new layer re-reads it from disk, as after a restart. */
const journalAt = (directory: string) => BroadcastJournal.layerFileSystem(join(directory, "journal")).pipe(Layer.provide(NodeContext.layer))

const temporaryDirectory = Effect.acquireRelease(
  Effect.sync(() => mkdtempSync(join(tmpdir(), "broadcast-rate-"))),
  (d) => Effect.sync(() => rmSync(d, { recursive: true, force: true }))
)

/** The send service over the loopback socket, with the default retry and `rateLimit`. */
const senderOver = (
  url: string,
  rateLimit: Layer.Layer<RateLimit.RateLimit, ConfigError.ConfigError>,
  http: Layer.Layer<HttpClient.HttpClient, ConfigError.ConfigError>
) =>
  SendGroupMessage.layer.pipe(
    Layer.provide(clientOver(url, { retry: Retry.layerDefault, rateLimit, http, token: FanGroupSandbox.defaultToken }))
  )

describe("Broadcast under a rate limit", () => {
  it.live(
    `${targetCount} targets at ${limit}/s: all complete, at most ${limit} per sliding second at the send instant and at the server, journal consistent`,
    () =>
      Effect.gen(function*() {
        const url = yield* SandboxServer.url
        const sandbox = yield* FanGroupSandbox.FanGroupSandbox
        const targets = yield* createGroups(url, targetCount, creators)
        const directory = yield* temporaryDirectory

        // Send instants: when a send request is handed to the transport (after its permit).
        const sendInstants: Array<number> = []
        const stamped = Layer.effect(
          HttpClient.HttpClient,
          Effect.map(HttpClient.HttpClient, (client) =>
            HttpClient.tapRequest(client, (request) =>
              Effect.sync(() => {
                if (request.url.endsWith("/im/send/msg/group/")) sendInstants.push(Date.now())
              })))
        ).pipe(Layer.provide(NodeHttpClient.layerUndici))
        const rateLimited = RateLimit.layer({ global: { limit, interval: "1 second" } })

        const started = Date.now()
        const outcomes = yield* Broadcast.run({
          id: "launch-1000",
          targets,
          content: MessageContent.text("We are live in 10 minutes!"),
          concurrency: 16
        }).pipe(
          Stream.runCollect,
          Effect.map(Chunk.toReadonlyArray),
          Effect.provide(Layer.merge(
            senderOver(url, rateLimited, stamped),
            journalAt(directory)
          ))
        )
        const elapsedMillis = Date.now() - started

        // All complete, each group once.
        expect(outcomes).toHaveLength(targetCount)
        expect(outcomes.filter((o) => o._tag !== "Sent")).toEqual([])
        const snapshot = yield* sandbox.snapshot
        const byGroup = new Map<string, Array<string>>()
        for (const m of snapshot.messages) byGroup.set(m.groupId, [...(byGroup.get(m.groupId) ?? []), m.msgId])
        expect(snapshot.messages).toHaveLength(targetCount)
        expect(targets.filter((t) => byGroup.get(t.groupId)?.length !== 1)).toEqual([])

        // The rate, on the wire.
        expect(sendInstants).toHaveLength(targetCount)
        const atSend = busiest(sendInstants, windowMillis)
        const atServer = busiest(snapshot.messages.map((m) => m.sentAt), windowMillis)
        expect(atSend).toBeLessThanOrEqual(limit)
        expect(atServer).toBeLessThanOrEqual(limit)
        // 1 000 at 50 per second cannot take less than 19 s (the first 50 leave at once).
        expect(elapsedMillis).toBeGreaterThanOrEqual((targetCount / limit - 1) * windowMillis)

        // The journal (re-read from its files by a new layer, as after a restart) agrees with
        // the server, entry by entry.
        const reread = yield* Effect.gen(function*() {
          const journal = yield* BroadcastJournal.BroadcastJournal
          return yield* journal.entries("launch-1000")
        }).pipe(Effect.provide(journalAt(directory)))
        expect(reread.size).toBe(targetCount)
        const mismatched = targets.filter((t, i) => {
          const entry = reread.get(i)
          return entry?._tag !== "Sent" || entry.msgId !== byGroup.get(t.groupId)?.[0]
        })
        expect(mismatched).toEqual([])
        const summary = yield* Broadcast.summary("launch-1000").pipe(
          Effect.provide(journalAt(directory))
        )
        expect(summary).toMatchObject({ total: targetCount, sent: targetCount, failed: 0, unknown: 0, pending: 0, inFlight: 0 })

        const span = (instants: ReadonlyArray<number>) => (Math.max(...instants) - Math.min(...instants)) / 1000
        console.log(
          `broadcast rate figures: ${targetCount} sent in ${(elapsedMillis / 1000).toFixed(1)} s; ` +
            `max per sliding 1 s: ${atSend} at the send instant, ${atServer} at the server (limit ${limit}); ` +
            `first to last send ${span(sendInstants).toFixed(2)} s at the send instant, ` +
            `${span(snapshot.messages.map((m) => m.sentAt)).toFixed(2)} s at the server (19 s is the least 50/s allows); ` +
            `journal: ${reread.size} Sent, matching the server's msg ids`
        )
      }).pipe(Effect.scoped, Effect.provide(SandboxServer.layer({ lenient: true }))),
    120_000
  )
})
