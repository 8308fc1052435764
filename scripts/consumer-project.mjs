// A fresh project as a user makes one: a temporary directory, the workspace packages packed as a
// release packs them (pack.mjs), and the README's install lines ("Use it in your project") with
// the package names replaced by those tarballs until they are on the registry. Shared by
// consumer-check.mjs, install-line-check.mjs and check-snippets.mjs.
import { spawnSync } from "node:child_process"
import * as Fs from "node:fs"
import * as Os from "node:os"
import * as Path from "node:path"
import { packAll } from "./pack.mjs"

export const repoRoot = Path.resolve(import.meta.dirname, "..")

/** The lines of the README's install block, one per package manager (`npm …`, `pnpm …`, `yarn …`). */
export const readmeInstallLines = () => {
  const readme = Fs.readFileSync(Path.join(repoRoot, "README.md"), "utf8")
  const section = readme.slice(readme.indexOf("## Use it in your project"))
  const start = section.indexOf("```sh") + 5
  return section.slice(start, section.indexOf("```", start)).trim().split("\n").map((l) => l.trim())
}

/**
 * A temporary directory with `tarballs/` holding the workspace packages, packed. `localize(line)` replaces
 * the package names of an install line by the tarballs.
 */
export const freshProject = (prefix) => {
  const dir = Fs.mkdtempSync(Path.join(Os.tmpdir(), prefix))
  const tarballs = Path.join(dir, "tarballs")
  Fs.mkdirSync(tarballs)
  const packed = packAll(tarballs)
  // effect-douyin-<name>-<version>.tgz is @effect-douyin/<name>
  const local = new Map(
    packed.map((file) => [`@effect-douyin/${Path.basename(file).replace(/^effect-douyin-(.+)-\d+\.\d+\.\d+.*\.tgz$/, "$1")}`, file])
  )
  const localize = (line) =>
    line.replace(/(^|\s)(@effect-douyin\/[\w-]+)(?=\s|$)/g, (whole, space, name) => local.has(name) ? space + local.get(name) : whole)
  return { dir, tarballs, packed, localize }
}

/**
 * Runs an install line in bash in `cwd`; returns everything it printed (stdout and stderr, where
 * package managers write their warnings), throws with it on failure.
 */
export const runLine = (command, cwd) => {
  const result = spawnSync("bash", ["-c", `(${command}) 2>&1`], { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] })
  if (result.status !== 0) {
    throw Object.assign(new Error(`exit ${result.status}: ${command}`), { status: result.status, stdout: result.stdout, stderr: "" })
  }
  return result.stdout
}

/**
 * A package manager's notice about install scripts it was not told about: npm 11's
 * `allowScripts` warning, pnpm's ignored builds.
 */
export const installScriptNotice = /install-scripts|allowScripts|ERR_PNPM_IGNORED_BUILDS|Ignored build scripts/
