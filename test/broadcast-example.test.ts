import { execFile } from "node:child_process"
import { resolve } from "node:path"
import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import * as SandboxServer from "@effect-douyin/sandbox/SandboxServer"

// `examples/broadcast.ts` as the README runs it, against the loopback sandbox server: a child
// broadcasts to 20 groups and is SIGKILLed part way; the example resumes and prints the summary.

const root = resolve(import.meta.dirname, "..")

describe("examples/broadcast.ts", () => {
  it.live("20 groups, SIGKILL part way, resume: every group once or listed unknown", () =>
    Effect.gen(function*() {
      const url = yield* SandboxServer.url
      const env: NodeJS.ProcessEnv = { ...process.env, DOUYIN_BASE_URL: url }
      const stdout = yield* Effect.async<string, Error>((resume) => {
        execFile(
          process.execPath,
          ["--import", "tsx", "examples/broadcast.ts"],
          { cwd: root, env, timeout: 150_000 },
          (error, stdout, stderr) => resume(error ? Effect.fail(new Error(`${error.message}\n${stderr}`)) : Effect.succeed(stdout))
        )
      })
      expect(stdout).toContain("created 20 groups")
      expect(stdout).toContain("child stopped: SIGKILL")
      const summary = stdout.match(/summary: (\d+) sent, 0 failed, (\d+) unknown .*, 0 pending/)
      expect(summary).not.toBeNull()
      expect(Number(summary![1]) + Number(summary![2])).toBe(20)
      expect(stdout).toMatch(/messages per group at the sandbox: .*\(max 1\)/)
    }).pipe(Effect.provide(SandboxServer.layer())), 180_000)
})
