// The onboarding loop in a real browser (Debian's chromium, playwright-core): the example
// backend (examples/onboarding.ts) on a loopback socket, against the sandbox on another, both
// in this process. The browser opens /oauth/start, lands on the sandbox's consent page, picks a
// creator and grants; the backend's callback stores the tokens and the creator's page lists
// their fan groups with ListFanGroups: one code exchange, no further OAuth request. Then deny,
// a replayed state, a forged state, and an expired code (a sandbox whose codes live 1 ms).
import { HttpServer } from "@effect/platform"
import type { FanGroupSandbox } from "@effect-douyin/sandbox"
import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import { Effect, Exit, Layer, Redacted, Scope, Tracer } from "effect"
import * as Fs from "node:fs"
import * as Os from "node:os"
import * as Path from "node:path"
import type { Page } from "playwright-core"
import * as Onboarding from "../examples/onboarding.js"
import * as Browser from "./support/Browser.js"
import * as SandboxLoopback from "./support/sandboxServer.js"

/** Every span the backends open (server spans included): name and attributes as one string. */
const spans: Array<string> = []
const recordingTracer = (into: Array<string>) =>
  Tracer.make({
    span(name, parent, context, links, startTime, kind) {
      const attributes = new Map<string, unknown>()
      into.push(name)
      const index = into.length - 1
      const record = () => (into[index] = `${name} ${JSON.stringify([...attributes])}`)
      return {
        _tag: "Span",
        name,
        spanId: `s${index}`,
        traceId: "t",
        parent,
        context,
        status: { _tag: "Started", startTime },
        attributes,
        links: [...links],
        sampled: true,
        kind,
        end: () => record(),
        attribute: (k, v) => {
          attributes.set(k, v)
          record()
        },
        event: () => {},
        addLinks: () => {}
      }
    },
    context: (f) => f()
  })

interface Stack {
  readonly backend: string
  readonly douyin: string
  readonly sandbox: FanGroupSandbox.Service
  readonly directory: string
}

const scope = Effect.runSync(Scope.make())
const run = <A, E>(effect: Effect.Effect<A, E, Scope.Scope>) => Effect.runPromise(Effect.provideService(effect, Scope.Scope, scope))

/** A sandbox for the demo app and the example backend in front of it. */
const stack = (sandboxOptions: FanGroupSandbox.Options = {}) =>
  run(Effect.gen(function*() {
    const { admin: sandbox, url: douyin } = yield* SandboxLoopback.scoped({
      clientKey: Onboarding.sandboxApp.clientKey,
      clientSecret: Redacted.make(Onboarding.sandboxApp.clientSecret),
      ...sandboxOptions
    })
    const directory = Fs.mkdtempSync(Path.join(Os.tmpdir(), "douyin-onboarding-"))
    yield* Effect.addFinalizer(() => Effect.sync(() => Fs.rmSync(directory, { recursive: true, force: true })))
    const backendContext = yield* Layer.build(Layer.provide(
      Onboarding.layer({
        baseUrl: douyin,
        clientKey: Onboarding.sandboxApp.clientKey,
        clientSecret: Redacted.make(Onboarding.sandboxApp.clientSecret),
        stateKey: Redacted.make("browser-test-state-key-0123456789abcdef"),
        directory,
        port: 0
      }),
      Layer.setTracer(recordingTracer(spans))
    ))
    const backend = yield* Effect.provide(
      HttpServer.addressWith((a) => Effect.succeed(a._tag === "TcpAddress" ? `http://127.0.0.1:${a.port}` : "")),
      backendContext
    )
    return { backend, douyin, sandbox, directory } satisfies Stack
  }))

const oauthRequests = (s: Stack) =>
  Effect.runPromise(Effect.map(s.sandbox.requests, (all) => all.filter((r) => r.path.startsWith("/oauth/"))))
const groupListings = (s: Stack, openId: string) =>
  Effect.runPromise(
    Effect.map(s.sandbox.requests, (all) => all.filter((r) => r.path === "/im/group/fans/list/" && r.query["open_id"] === openId))
  )

let browser: Browser.Browser
let main: Stack
let expiring: Stack

beforeAll(async () => {
  browser = await Browser.launch()
  main = await stack()
  expiring = await stack({ authorizationCodeLifetime: "1 millis" })
}, 120_000)

afterAll(async () => {
  await browser?.close()
  await Effect.runPromise(Scope.close(scope, Exit.void))
}, 60_000)

/** Opens the backend's /oauth/start and waits for the consent page. */
const toConsent = async (s: Stack): Promise<Page> => {
  const page = await browser.context.newPage()
  await page.goto(`${s.backend}/oauth/start`)
  await page.waitForURL((url) => url.href.startsWith(`${s.douyin}/platform/oauth/connect/`))
  return page
}

/** The callback URL the consent page sent the browser to (recorded from the navigation). */
const callbackOf = (page: Page, s: Stack) => {
  const seen: Array<string> = []
  page.on("request", (r) => {
    if (r.url().startsWith(`${s.backend}/oauth/callback`)) seen.push(r.url())
  })
  return seen
}

describe("onboarding in a real browser (chromium)", () => {
  it("grant: consent page → creator → grant → callback → the creator's fan groups, with no further OAuth request", async () => {
    const page = await toConsent(main)
    const callbacks = callbackOf(page, main)
    // The page shows the app and exactly the scopes the program's endpoints need.
    expect(await page.textContent("#client-key")).toBe(Onboarding.sandboxApp.clientKey)
    expect(await page.$$eval("#scopes li", (items) => items.map((li) => li.getAttribute("data-scope")))).toEqual([
      "im.group_fans.create_list",
      "im.group_message",
      "im.recall_message"
    ])
    await page.check("input[name=open_id][value=creator-ben]")
    await page.click("#grant")
    await page.waitForURL(`${main.backend}/creators/creator-ben`)
    expect(await page.textContent("#connected")).toBe("Connected.")
    expect(await page.textContent("#group-count")).toBe("0 fan groups")

    // Douyin's redirect carried code and state to the callback; the backend's redirect does not.
    expect(callbacks).toHaveLength(1)
    const callback = new URL(callbacks[0]!)
    expect(callback.searchParams.get("code")).toMatch(/^sandbox-code-/)
    expect(callback.searchParams.get("state")).toMatch(/^v1\./)
    expect(page.url()).not.toContain("code")

    // One code exchange; the listing used the stored token, without any other OAuth request.
    expect((await oauthRequests(main)).map((r) => r.path)).toEqual(["/oauth/access_token/"])
    expect(await groupListings(main, "creator-ben")).toHaveLength(1)
    await page.reload()
    expect(await page.textContent("#connected")).toBe("Connected.")
    expect(await groupListings(main, "creator-ben")).toHaveLength(2)
    expect(await oauthRequests(main)).toHaveLength(1)

    // Replayed state: the same callback URL again is refused before any exchange.
    await page.goto(callbacks[0]!)
    expect(await page.textContent("#outcome")).toContain("StateInvalid: replayed")
    expect(await oauthRequests(main)).toHaveLength(1)

    // Forged state: a state whose signature was changed.
    const forged = new URL(callbacks[0]!)
    const state = forged.searchParams.get("state")!
    forged.searchParams.set("state", state.slice(0, -3) + (state.endsWith("AAA") ? "BBB" : "AAA"))
    await page.goto(forged.href)
    expect(await page.textContent("#outcome")).toContain("StateInvalid: forged")
    expect(await oauthRequests(main)).toHaveLength(1)

    // No span of the backend (the SDK's, the HTTP server's) holds the code or a token.
    const code = callback.searchParams.get("code")!
    expect(spans.some((s) => s.includes("Onboarding.complete"))).toBe(true)
    expect(spans.some((s) => s.includes("/creators/creator-ben"))).toBe(true)
    for (const secret of [code, "act.sandbox", "rft.sandbox", Onboarding.sandboxApp.clientSecret]) {
      expect(spans.filter((s) => s.includes(secret))).toEqual([])
    }

    // The tokens are in the backend's file store, under the creator's open_id.
    expect(Fs.readdirSync(main.directory).some((n) => n.includes("creator-ben"))).toBe(true)
    await page.close()
  }, 90_000)

  it("deny: the creator refuses; the backend shows Denied, exchanges nothing and stores nothing", async () => {
    const before = (await oauthRequests(main)).length
    const page = await toConsent(main)
    await page.check("input[name=open_id][value=creator-chen]")
    await page.click("#deny")
    await page.waitForURL((url) => url.href.startsWith(`${main.backend}/oauth/callback?`))
    expect(new URL(page.url()).searchParams.has("code")).toBe(false)
    expect(await page.textContent("#outcome")).toContain("Denied")
    expect(await oauthRequests(main)).toHaveLength(before)
    expect(Fs.readdirSync(main.directory).some((n) => n.includes("creator-chen"))).toBe(false)
    await page.close()
  }, 60_000)

  it("expired code: granted, but the code expired before the exchange; CodeRejected and nothing stored", async () => {
    const page = await toConsent(expiring)
    await page.check("input[name=open_id][value=creator-ana]")
    await page.click("#grant")
    await page.waitForURL((url) => url.href.startsWith(`${expiring.backend}/oauth/callback?`))
    expect(await page.textContent("#outcome")).toContain("CodeRejected")
    expect((await oauthRequests(expiring)).map((r) => r.path)).toEqual(["/oauth/access_token/"])
    expect(Fs.readdirSync(expiring.directory).some((n) => n.includes("creator-ana"))).toBe(false)
    await page.close()
  }, 60_000)
})
