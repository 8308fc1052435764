// Runs the README's install lines ("Use it in your project") in fresh temporary projects, one per
// package manager (npm, pnpm, yarn), and loads the result with plain `node` as ESM and as
// CommonJS. Until the packages are on the registry their names in the line are replaced by the
// tarballs `pnpm pack` makes; the rest of each line runs exactly as the README has it, in bash.
// `pnpm install-line-check [npm|pnpm|yarn…]` (yarn 1 through `npx yarn@1`).
import { execFileSync } from "node:child_process"
import * as Fs from "node:fs"
import * as Path from "node:path"
import { freshProject, installScriptNotice, readmeInstallLines, runLine } from "./consumer-project.mjs"

const lines = readmeInstallLines()
const wanted = process.argv.slice(2)
const { dir, localize, tarballs } = freshProject("effect-douyin-install-")
const probe = `
const esm = await import("@effect-douyin/group")
// The one-call production layer: it loads undici, the optional peer the line installs.
const live = await import("@effect-douyin/group/FanGroupLive")
if (typeof live.layerConfig !== "function") throw new Error("FanGroupLive.layerConfig missing")
const { createRequire } = await import("node:module")
const cjs = createRequire(process.cwd() + "/")("@effect-douyin/group")
const effect = createRequire(process.cwd() + "/")("effect/package.json").version
console.log("loaded: esm " + Object.keys(esm).length + " modules, cjs " + Object.keys(cjs).length + " modules, FanGroupLive (undici " + createRequire(process.cwd() + "/")("undici/package.json").version + "), effect " + effect)
`
let failed = false
for (const line of lines) {
  const tool = line.split(/\s+/)[0]
  if (wanted.length > 0 && !wanted.includes(tool)) continue
  const project = Path.join(dir, tool)
  Fs.mkdirSync(project)
  Fs.writeFileSync(Path.join(project, "package.json"), JSON.stringify({ name: `fresh-${tool}`, version: "1.0.0", private: true }))
  let command = localize(line)
  if (tool === "yarn") command = command.replace(/^yarn/, "npx --yes yarn@1.22.22")
  console.log(`\n$ ${line}`)
  console.log(`  (run as: ${command.replaceAll(tarballs + "/", "")})`)
  const started = Date.now()
  try {
    const out = runLine(command, project)
    console.log(out.trim().split("\n").map((l) => "  " + l).join("\n"))
    if (installScriptNotice.test(out)) {
      throw Object.assign(new Error("install-script notice"), { status: "a notice about install scripts (above)" })
    }
    console.log(`  ok in ${((Date.now() - started) / 1000).toFixed(1)} s`)
    console.log("  " + execFileSync("node", ["--input-type=module", "-e", probe], { cwd: project, encoding: "utf8" }).trim())
  } catch (e) {
    console.log(`  FAILED (${e.status}):\n${e.stdout ?? ""}${e.stderr ?? ""}`)
    failed = true
  }
}
Fs.rmSync(dir, { recursive: true, force: true })
process.exit(failed ? 1 : 0)
