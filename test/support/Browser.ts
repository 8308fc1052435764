/**
 * A real browser for tests: Debian's chromium (`/usr/bin/chromium`, installed by
 * `scripts/ensure-chromium.sh`, which `pnpm test` runs first) driven by playwright-core, with a
 * fresh user-data directory per launch, headless, no sandbox, no background traffic. A missing
 * browser fails the test that needs it: it is never skipped.
 */
import * as Fs from "node:fs"
import * as Os from "node:os"
import * as Path from "node:path"
import { type BrowserContext, chromium } from "playwright-core"

export const executablePath = "/usr/bin/chromium"

const flags = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync"
]

export interface Browser {
  readonly context: BrowserContext
  /** Closes the browser and removes its user-data directory. */
  readonly close: () => Promise<void>
}

export const launch = async (): Promise<Browser> => {
  if (!Fs.existsSync(executablePath)) {
    throw new Error(`${executablePath} is missing: run scripts/ensure-chromium.sh (pnpm test does)`)
  }
  const userDataDir = Fs.mkdtempSync(Path.join(Os.tmpdir(), "douyin-chromium-"))
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath,
    headless: true,
    args: flags,
    timeout: 60_000
  })
  return {
    context,
    close: async () => {
      await context.close()
      Fs.rmSync(userDataDir, { recursive: true, force: true })
    }
  }
}
