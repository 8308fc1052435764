// The `douyin-sandbox` command as a separate OS process: --help, clear errors on bad flags, the
// printed lines work as printed (curl and fetch with them), Ctrl-C (SIGINT) stops it cleanly.
import { execFile, spawn } from "node:child_process"
import * as Fs from "node:fs"
import * as Os from "node:os"
import * as Path from "node:path"
import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { SandboxCli } from "../src/index.js"

const root = Path.resolve(import.meta.dirname, "../../..")
const tsx = Path.join(root, "node_modules/.bin/tsx")
const bin = Path.join(root, "packages/sandbox/bin/douyin-sandbox.mjs")

const runOnce = (args: ReadonlyArray<string>) =>
  Effect.async<{ code: number; stdout: string; stderr: string }>((resume) => {
    execFile(tsx, [bin, ...args], { cwd: root, timeout: 60_000 }, (error, stdout, stderr) =>
      resume(Effect.succeed({ code: error ? (typeof error.code === "number" ? error.code : 1) : 0, stdout, stderr })))
  })

const curl = (args: ReadonlyArray<string>) =>
  Effect.async<string, Error>((resume) => {
    execFile("curl", ["-s", ...args], { timeout: 20_000 }, (error, stdout) => resume(error ? Effect.fail(error) : Effect.succeed(stdout)))
  })

describe("douyin-sandbox (the bin, in its own process)", () => {
  it.live("--help prints the usage and exits 0", () =>
    Effect.gen(function*() {
      const { code, stdout } = yield* runOnce(["--help"])
      expect(code).toBe(0)
      expect(stdout).toContain("Usage: douyin-sandbox [options]")
      for (const flag of ["--port", "--seed", "--webhook-url", "--webhook-secret", "--client-key", "--client-secret", "--lenient"]) {
        expect(stdout).toContain(flag)
      }
    }), 90_000)

  it.live("bad flags: a clear message on stderr and exit status 2", () =>
    Effect.gen(function*() {
      const unknown = yield* runOnce(["--prot", "8787"])
      expect(unknown.code).toBe(2)
      expect(unknown.stderr).toContain("douyin-sandbox: Unknown option '--prot'")
      const port = yield* runOnce(["--port", "eighty"])
      expect(port.code).toBe(2)
      expect(port.stderr).toContain(`--port must be a whole number from 0 to 65535, got "eighty"`)
      const seed = yield* runOnce(["--seed", "/nonexistent/demo.json"])
      expect(seed.code).toBe(2)
      expect(seed.stderr).toContain("--seed /nonexistent/demo.json: cannot read the file (ENOENT)")
      const url = yield* runOnce(["--webhook-url", "ftp://x"])
      expect(url.code).toBe(2)
      expect(url.stderr).toContain("--webhook-url must be an http:// or https:// URL")
    }), 120_000)

  it("parse: the seed file is checked against the seed schema; --webhook-secret needs --webhook-url", () => {
    const dir = Fs.mkdtempSync(Path.join(Os.tmpdir(), "sandbox-cli-"))
    const bad = Path.join(dir, "bad.json")
    Fs.writeFileSync(bad, JSON.stringify({ creators: [{ openId: "camel" }] }))
    const parsed = SandboxCli.parse(["--seed", bad])
    expect(parsed._tag).toBe("Invalid")
    expect(parsed._tag === "Invalid" && parsed.message).toContain("not a valid seed")
    expect(SandboxCli.parse(["--webhook-secret", "s"])).toEqual({
      _tag: "Invalid",
      message: "--webhook-secret needs --webhook-url (where to deliver)"
    })
    const ok = SandboxCli.parse(["--port", "0", "--lenient"])
    expect(ok._tag === "Run" && ok.options.port === 0 && ok.options.lenient).toBe(true)
  })

  it.live(
    "serves on loopback, prints the base URL and DOUYIN_* lines that work as printed; SIGINT stops it (exit 0)",
    () =>
      Effect.gen(function*() {
        const dir = Fs.mkdtempSync(Path.join(Os.tmpdir(), "sandbox-cli-"))
        const seed = Path.join(dir, "demo.json")
        Fs.writeFileSync(
          seed,
          JSON.stringify({ creators: [{ open_id: "creator-seeded", access_token: "act.seeded", groups: [{ group_name: "Seeded fans" }] }] })
        )
        const child = spawn(tsx, [bin, "--port", "0", "--seed", seed], { cwd: root, stdio: ["ignore", "pipe", "pipe"] })
        let out = ""
        child.stdout.on("data", (d) => (out += d))
        child.stderr.on("data", (d) => (out += d))
        const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)))
        yield* Effect.promise(async () => {
          for (let i = 0; i < 600 && !out.includes("Ctrl-C to stop."); i++) await new Promise((r) => setTimeout(r, 100))
        })
        expect(out).toContain("Ctrl-C to stop.")
        const env = Object.fromEntries(
          out.split("\n").filter((l) => /^DOUYIN_[A-Z_]+=/.test(l)).map((l) => [l.slice(0, l.indexOf("=")), l.slice(l.indexOf("=") + 1)])
        )
        expect(Object.keys(env).sort()).toEqual(
          ["DOUYIN_ACCESS_TOKEN", "DOUYIN_BASE_URL", "DOUYIN_CLIENT_KEY", "DOUYIN_CLIENT_SECRET", "DOUYIN_OPEN_ID"]
        )
        expect(env["DOUYIN_BASE_URL"]).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
        expect(out).toContain(`Douyin sandbox listening on ${env["DOUYIN_BASE_URL"]}`)
        expect(env["DOUYIN_OPEN_ID"]).toBe("creator-seeded")
        expect(env["DOUYIN_ACCESS_TOKEN"]).toBe("act.seeded")

        // curl with the printed lines, as a user pastes them: a read, and the seeded group listed.
        const listed = JSON.parse(
          yield* curl([
            "-H",
            `access-token: ${env["DOUYIN_ACCESS_TOKEN"]}`,
            `${env["DOUYIN_BASE_URL"]}/im/group/fans/list/?open_id=${env["DOUYIN_OPEN_ID"]}`
          ])
        )
        expect(listed.data.error_code).toBe(0)
        expect(listed.group_list.map((g: { group_name: string }) => g.group_name)).toEqual(["Seeded fans"])
        // The printed client credentials are the ones the OAuth endpoints check.
        const clt = JSON.parse(
          yield* curl([
            "-H",
            "content-type: application/json",
            "-d",
            JSON.stringify({
              client_key: env["DOUYIN_CLIENT_KEY"],
              client_secret: env["DOUYIN_CLIENT_SECRET"],
              grant_type: "client_credential"
            }),
            `${env["DOUYIN_BASE_URL"]}/oauth/client_token/`
          ])
        )
        expect(clt.data.error_code).toBe(0)

        child.kill("SIGINT")
        const code = yield* Effect.promise(() => exited)
        expect(code).toBe(0)
        expect(out).toContain("douyin-sandbox: stopped")
        const refused = yield* Effect.either(curl(["--max-time", "5", `${env["DOUYIN_BASE_URL"]}/im/group/count/`]))
        expect(refused._tag).toBe("Left")
      }),
    120_000
  )
})
