// The sandbox's inspector page in a real browser (Debian's chromium, playwright-core): after the
// tour's operations against the sandbox server (with a webhook URL), the page shows the groups,
// the recalled message as recalled, the webhook deliveries, message times and the sandbox's
// clock (moved by the admin API). A missing browser fails.
import { describe, expect, it } from "@effect/vitest"
import { ConfigProvider, Console, Effect } from "effect"
import { createServer } from "node:http"
import * as Tour from "../examples/tour.js"
import * as Browser from "./support/Browser.js"
import * as SandboxLoopback from "./support/sandboxServer.js"

describe("inspector page (real browser)", () => {
  it.scopedLive(
    "after the tour: groups, the recalled message marked, the deliveries; message times and the clock moved by the admin API",
    () =>
      Effect.gen(function*() {
        // A webhook receiver that acknowledges everything, on loopback.
        const receiver = createServer((req, res) => {
          req.resume()
          req.on("end", () => res.writeHead(200, { "content-type": "application/json" }).end("{}"))
        })
        yield* Effect.acquireRelease(
          Effect.promise(() => new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve))),
          () => Effect.promise(() => new Promise<void>((resolve) => receiver.close(() => resolve())))
        )
        const address = receiver.address()
        if (address === null || typeof address === "string") throw new Error("no address")
        const webhookUrl = `http://127.0.0.1:${address.port}/webhooks/douyin`

        const { admin: sandbox, url } = yield* SandboxLoopback.scoped({ webhook: { url: webhookUrl } })
        yield* Tour.main([]).pipe(
          Effect.withConsole({ ...(yield* Console.consoleWith(Effect.succeed)), log: () => Effect.void } as Console.Console),
          Effect.withConfigProvider(ConfigProvider.fromMap(new Map([["DOUYIN_BASE_URL", url]])))
        )
        const state = yield* sandbox.snapshot
        const recalled = state.messages.filter((m) => m.recalled)
        expect(recalled).toHaveLength(1)

        const browser = yield* Effect.acquireRelease(Effect.promise(() => Browser.launch()), (b) => Effect.promise(() => b.close()))
        const page = yield* Effect.promise(() => browser.context.newPage())
        yield* Effect.promise(() => page.goto(`${url}/sandbox/`))
        yield* Effect.promise(() => page.waitForSelector("#groups tbody tr", { timeout: 30_000 }))
        const groups = yield* Effect.promise(() => page.$$eval("#groups tbody tr", (rows) => rows.map((r) => r.children[1]?.textContent)))
        expect(groups).toEqual(state.groups.map((g) => g.groupName))
        const recalledRow = yield* Effect.promise(() =>
          page.$eval(`#messages tr[data-id="${recalled[0]!.msgId}"]`, (r) => ({ cls: r.className, state: r.children[4]?.textContent }))
        )
        expect(recalledRow).toEqual({ cls: "recalled", state: "recalled" })
        const sentCount = yield* Effect.promise(() => page.$$eval("#messages tr:not(.recalled)", (rows) => rows.length - 1))
        expect(sentCount).toBe(state.messages.length - 1)

        // Deliveries: the tour's sends and the applications' events, delivered to the receiver.
        yield* sandbox.awaitDeliveries
        const deliveries = yield* sandbox.deliveries
        expect(deliveries.length).toBeGreaterThan(0)
        yield* Effect.promise(() =>
          page.waitForFunction(
            (n) =>
              document.querySelectorAll("#deliveries tbody tr").length === n &&
              [...document.querySelectorAll("#deliveries tbody tr")].every((r) => r.children[2]?.textContent === "delivered"),
            deliveries.length,
            { timeout: 30_000 }
          )
        )
        const events = yield* Effect.promise(() =>
          page.$$eval("#deliveries tbody tr", (rows) => rows.map((r) => r.children[1]?.textContent))
        )
        expect(events).toEqual(deliveries.map((d) => d.event))
        expect(new Set(events)).toEqual(new Set(["im_group_send_msg", "enter_group_audit_change", "group_fans_event"]))

        // Live: a member posts; the page shows it without a reload.
        const groupId = state.groups[0]!.groupId
        const posted = yield* sandbox.postAsMember({ groupId, userId: "fan-live", text: "hello from a member" })
        yield* Effect.promise(() => page.waitForSelector(`#messages tr[data-id="${posted.msgId}"]`, { timeout: 30_000 }))
        const postedAt = yield* Effect.promise(() =>
          page.$eval(`#messages tr[data-id="${posted.msgId}"]`, (r) => r.children[5]?.textContent ?? "")
        )
        expect(postedAt).toBe(new Date(posted.sentAt).toISOString())

        // The sandbox's clock, moved 16 days by the admin API: the page shows the moved time
        // (within the minute the page may take on a loaded machine).
        const moved = yield* sandbox.advanceClock("16 days")
        yield* Effect.promise(() =>
          page.waitForFunction(
            (at) => {
              const shown = Date.parse(document.getElementById("clock")?.textContent ?? "")
              return shown >= at && shown < at + 60_000
            },
            moved,
            { timeout: 30_000 }
          )
        )
      }),
    180_000
  )
})
