import { execFile } from "node:child_process"
import { resolve } from "node:path"
import { describe, expect, it } from "@effect/vitest"
import { FanGroupSandbox } from "@effect-douyin/sandbox"
import { ConfigProvider, Console, Effect } from "effect"
import * as MultiCreator from "../examples/multi-creator.js"
import * as SandboxServer from "@effect-douyin/sandbox/SandboxServer"
import * as TestingYourService from "../examples/testing-your-service/main.js"
import * as Tour from "../examples/tour.js"

// Every example against the loopback sandbox server, over real sockets, as `DOUYIN_BASE_URL`
// would point them at it. The programs are imported and run with a captured Console and the
// environment given as a ConfigProvider; the tour also runs once as a child process
// (the README's command line).

const root = resolve(import.meta.dirname, "..")

/** Runs `program` with `env` as its configuration and returns what it printed. */
const transcript = <E, R>(program: Effect.Effect<unknown, E, R>, env: Record<string, string>) =>
  Effect.gen(function*() {
    const lines: Array<string> = []
    const base = yield* Console.consoleWith(Effect.succeed)
    const capture: Console.Console = {
      ...base,
      log: (...args: ReadonlyArray<unknown>) => Effect.sync(() => void lines.push(args.map(String).join(" ")))
    }
    yield* program.pipe(
      Effect.withConsole(capture),
      Effect.withConfigProvider(ConfigProvider.fromMap(new Map(Object.entries(env))))
    )
    return lines.join("\n")
  })

const occurrences = (text: string, needle: string) => text.split(needle).length - 1

describe("examples against the loopback sandbox server", () => {
  it.live("tour: full lifecycle in sandbox-server mode, then read-only against the same server as the 'real API'", () =>
    Effect.gen(function*() {
      const url = yield* SandboxServer.url
      const sandbox = yield* FanGroupSandbox.FanGroupSandbox

      const out = yield* transcript(Tour.main([]), { DOUYIN_BASE_URL: url })
      expect(out).toContain(`target:   sandbox server at ${url}`)
      expect(out).toMatch(/1 more group\(s\) may be created/)
      expect(out).toMatch(/"Effect fans" → group_id @/)
      expect(out).toContain("DouyinQuotaError 2190001")
      expect(out).toMatch(/text → msg_id @/)
      expect(out).toMatch(/applet card → msg_id @/)
      expect(out).toMatch(/POST \/im\/recall\/msg\/ +@\S+ recalled/)
      expect(out).toContain("→ 3 application(s)")
      expect(out).toContain("fan-alice → approved")
      expect(out).toContain("fan-carol → rejected")
      expect(out).toContain(`"Effect fans" has 3 member(s); 0 group(s) of quota left`)
      expect(out.trimEnd().endsWith("Done.")).toBe(true)

      const state = yield* sandbox.snapshot
      expect(state.groups.map((g) => [g.groupName, g.existNum])).toEqual([["Effect fans", 3]])
      expect(state.messages.map((m) => m.recalled)).toEqual([true, false])
      expect(state.settings).toHaveLength(1)

      // With a token and an open_id the tour treats the URL as the real API: read-only.
      const before = (yield* sandbox.requests).length
      const readOnly = yield* transcript(Tour.main([]), {
        DOUYIN_BASE_URL: url,
        DOUYIN_ACCESS_TOKEN: FanGroupSandbox.defaultToken,
        DOUYIN_OPEN_ID: "creator-demo"
      })
      expect(readOnly).toContain("read-only: pass --allow-writes")
      expect(occurrences(readOnly, "skipped (")).toBe(4)
      expect(readOnly).toContain(`"Effect fans"  Normal  3/500 members`)
      const during = (yield* sandbox.requests).slice(before)
      expect(during.length).toBeGreaterThan(0)
      expect(during.filter((r) => r.method !== "GET")).toEqual([])
      expect(readOnly).not.toContain(FanGroupSandbox.defaultToken)
    }).pipe(Effect.provide(SandboxServer.layer())))

  it.live("multi-creator: three creators interleaved, one expired token refreshed exactly once", () =>
    Effect.gen(function*() {
      const url = yield* SandboxServer.url
      const sandbox = yield* FanGroupSandbox.FanGroupSandbox
      const out = yield* transcript(MultiCreator.main, { DOUYIN_BASE_URL: url })
      for (const who of ["creator-ana", "creator-ben", "creator-chen"]) {
        expect(out).toContain(`${who}: code exchanged → access token <redacted>`)
        expect(out).toMatch(new RegExp(`${who}: created @\\S+, sent @\\S+; sees only \\["${who.slice(8)}'s fans"\\]`))
      }
      expect(occurrences(out, "↻ POST /oauth/refresh_token/")).toBe(1)
      expect(out).toContain("new access token for creator-ben")
      expect(out).toContain("creator-ben: GET /im/group/count/ → 2190008, refreshed once, retried → 4 group(s) left")
      const oauth = (yield* sandbox.requests).filter((r) => r.path.startsWith("/oauth/"))
      expect(oauth.map((r) => r.path)).toEqual([
        "/oauth/access_token/",
        "/oauth/access_token/",
        "/oauth/access_token/",
        "/oauth/refresh_token/"
      ])
      expect(out).not.toMatch(/act\.sandbox\d/)
    }).pipe(Effect.provide(SandboxServer.layer())))

  it.live("testing-your-service: the Announcer's flash is sent and recalled over the wire", () =>
    Effect.gen(function*() {
      const url = yield* SandboxServer.url
      const out = yield* transcript(TestingYourService.main(["20 millis"]), { DOUYIN_BASE_URL: url })
      expect(out).toMatch(/flash (@\S+) sent to @\S+, visible for 20ms/)
      expect(out).toMatch(/flash @\S+ recalled: true/)
    }).pipe(Effect.provide(SandboxServer.layer())))

  it.live("the README command line: `tsx examples/tour.ts` with DOUYIN_BASE_URL prints the transcript", () =>
    Effect.gen(function*() {
      const url = yield* SandboxServer.url
      const env: NodeJS.ProcessEnv = { ...process.env, DOUYIN_BASE_URL: url }
      delete env["DOUYIN_ACCESS_TOKEN"]
      delete env["DOUYIN_OPEN_ID"]
      const stdout = yield* Effect.async<string, Error>((resume) => {
        execFile(
          resolve(root, "node_modules/.bin/tsx"),
          ["examples/tour.ts"],
          { cwd: root, env, timeout: 30_000 },
          (error, stdout, stderr) => resume(error ? Effect.fail(new Error(`${error.message}\n${stderr}`)) : Effect.succeed(stdout))
        )
      })
      expect(stdout).toContain(`target:   sandbox server at ${url}`)
      expect(stdout).toContain("fan-carol → rejected")
      expect(stdout.trimEnd().endsWith("Done.")).toBe(true)
    }).pipe(Effect.provide(SandboxServer.layer())), 40_000)
})
