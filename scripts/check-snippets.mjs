// The snippet check (`pnpm check:snippets`, run by .ci/run): every ```ts block of README.md and
// docs/*.md compiles as a user's file. The blocks are extracted one file each into a fresh project
// (consumer-project.mjs) where the README's npm line installs the packed packages, exactly as the
// README has it; a block that imports a package the line does not install (ioredis, the
// OpenTelemetry SDK, @effect/vitest) gets it at the version the workspace pins. Then one `tsc`
// under the settings users have: strict, exactOptionalPropertyTypes, skipLibCheck: false,
// NodeNext, ESM. Errors are reported at the line of the markdown file.
// Each block stands alone (its own imports): what a reader copies is what is checked.
// `pnpm check:snippets [markdown files…]` checks the given files instead; KEEP=1 keeps the project.
import { execFileSync } from "node:child_process"
import * as Fs from "node:fs"
import { createRequire } from "node:module"
import * as Path from "node:path"
import { freshProject, readmeInstallLines, repoRoot, runLine } from "./consumer-project.mjs"

const started = Date.now()
const seconds = () => `${((Date.now() - started) / 1000).toFixed(1)} s`
const require = createRequire(Path.join(repoRoot, "package.json"))
const tsc = require.resolve("typescript/bin/tsc")

// 1. The blocks.
const args = process.argv.slice(2)
const sources = args.length > 0
  ? args.map((f) => Path.relative(repoRoot, Path.resolve(f)))
  : [
    "README.md",
    ...Fs.readdirSync(Path.join(repoRoot, "docs")).filter((f) => f.endsWith(".md")).sort().map((f) => `docs/${f}`)
  ]
const blocks = []
for (const source of sources) {
  const lines = Fs.readFileSync(Path.join(repoRoot, source), "utf8").split("\n")
  for (let i = 0; i < lines.length; i++) {
    if (!/^```(ts|typescript)\s*$/.test(lines[i])) continue
    const end = lines.findIndex((l, j) => j > i && /^```\s*$/.test(l))
    if (end === -1) throw new Error(`${source}:${i + 1}: the block is not closed`)
    blocks.push({ source, line: i + 2, code: lines.slice(i + 1, end).join("\n") + "\n" })
    i = end
  }
}
console.log(`${blocks.length} TypeScript blocks in ${sources.join(", ")}`)

// 2. A fresh project: the README's npm line, then what the blocks import beyond it.
const project = freshProject("effect-douyin-snippets-")
const dir = project.dir
Fs.writeFileSync(Path.join(dir, "package.json"), JSON.stringify({ name: "snippets", private: true, type: "module" }, null, 2))
const npmLine = readmeInstallLines().find((l) => l.startsWith("npm "))
if (npmLine === undefined) throw new Error("README.md: no npm line under \"Use it in your project\"")
const fail = (message) => {
  console.error(`snippet check FAILED: ${message}`)
  if (!process.env.KEEP) Fs.rmSync(dir, { recursive: true, force: true })
  process.exit(1)
}
try {
  runLine(`${project.localize(npmLine)} --no-audit --no-fund --prefer-offline --loglevel=error`, dir)
} catch (e) {
  fail(`${npmLine}\n${e.stdout}${e.stderr}`)
}
console.log(`$ ${npmLine}   (the README's line, with the packed tarballs) in ${seconds()}`)

const pins = JSON.parse(Fs.readFileSync(Path.join(repoRoot, "package.json"), "utf8")).devDependencies
const installed = (name) => Fs.existsSync(Path.join(dir, "node_modules", name, "package.json"))
const packageOf = (specifier) => specifier.startsWith("@") ? specifier.split("/").slice(0, 2).join("/") : specifier.split("/")[0]
const imported = new Set(
  blocks.flatMap((b) => [...b.code.matchAll(/\bfrom\s+["']([^"'.][^"']*)["']/g)].map((m) => packageOf(m[1])))
)
const extras = new Set(["@types/node"]) // a Node.js project has its types
// The Redis-backed modules need ioredis, an optional peer the README says to install with them.
if (blocks.some((b) => /from\s+["']@effect-douyin\/[a-z]+\/\w*Redis\w*["']/.test(b.code))) extras.add("ioredis")
for (const name of imported) {
  if (name.startsWith("node:") || installed(name)) continue
  if (name.startsWith("@opentelemetry/") || name === "@effect/opentelemetry") {
    // the versions that fit together, as the README lists them: the whole OpenTelemetry set
    for (const pinned of Object.keys(pins)) if (pinned.startsWith("@opentelemetry/")) extras.add(pinned)
  }
  if (name === "@effect/vitest") extras.add("vitest")
  extras.add(name)
}
const specs = [...extras].map((name) => {
  // a package of this workspace that the line does not install (a dev tool): its tarball
  const tarball = project.localize(name)
  if (tarball !== name) return tarball
  if (pins[name] === undefined) fail(`a block imports ${name}, which the workspace does not pin`)
  return `${name}@${pins[name]}`
})
try {
  execFileSync("npm", ["install", "--no-audit", "--no-fund", "--prefer-offline", "--loglevel=error", ...specs], {
    cwd: dir,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"]
  })
} catch (e) {
  fail(`npm install ${specs.join(" ")}\n${e.stdout}${e.stderr}`)
}
console.log(
  `$ npm install ${
    specs.map((s) => s.endsWith(".tgz") ? Path.basename(s) : s).join(" ")
  }   (imported by the blocks, not by the line) in ${seconds()}`
)

// 3. One file per block, one tsc for all.
const snippets = Path.join(dir, "snippets")
Fs.mkdirSync(snippets)
const files = blocks.map((b) => {
  const name = `${b.source.replaceAll("/", "_")}.L${b.line}.ts`
  Fs.writeFileSync(Path.join(snippets, name), b.code)
  return { ...b, file: `snippets/${name}` }
})
const compilerOptions = {
  target: "ES2022",
  lib: ["ES2022", "DOM"], // @effect/platform's own declarations name DOM types (Storage, MessagePort)
  types: ["node"],
  strict: true,
  exactOptionalPropertyTypes: true,
  skipLibCheck: false,
  module: "NodeNext",
  moduleResolution: "NodeNext",
  noEmit: true
}
Fs.writeFileSync(Path.join(dir, "tsconfig.json"), JSON.stringify({ compilerOptions, files: files.map((f) => f.file) }, null, 2))
const tsVersion = execFileSync(process.execPath, [tsc, "--version"], { encoding: "utf8" }).trim()
console.log(`${tsVersion}: ${JSON.stringify(compilerOptions)}`)
let output = ""
let code = 0
try {
  output = execFileSync(process.execPath, [tsc, "-p", "tsconfig.json"], { cwd: dir, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] })
} catch (e) {
  output = `${e.stdout}${e.stderr}`
  code = e.status ?? 1
}
// `snippets/<source>.L53.ts(3,5): error …` → `<source>:55:5: error …`
const byFile = new Map(files.map((f) => [f.file, f]))
const located = output.replace(/^(snippets\/[^(\s]+)\((\d+),(\d+)\)/gm, (whole, file, line, column) => {
  const block = byFile.get(file)
  return block === undefined ? whole : `${block.source}:${block.line + Number(line) - 1}:${column}`
})
const failing = new Set([...located.matchAll(/^([^\s:]+\.md):(\d+):/gm)].map((m) => m[1] + ":" + m[2]))
for (const f of files) {
  const errors = [...located.matchAll(/^([^\s:]+\.md):(\d+):/gm)].filter((m) =>
    m[1] === f.source && Number(m[2]) >= f.line && Number(m[2]) < f.line + f.code.split("\n").length
  ).length
  console.log(
    `  ${errors === 0 ? "ok  " : "FAIL"} ${f.source}:${f.line - 1} (${f.code.split("\n").length - 1} lines)${
      errors === 0 ? "" : `: ${errors} error(s)`
    }`
  )
}
if (process.env.KEEP) console.log(`kept ${dir}`)
else Fs.rmSync(dir, { recursive: true, force: true })
if (code !== 0) {
  console.error(located.trim())
  console.error(`snippet check FAILED: ${failing.size} error line(s) (${seconds()})`)
  process.exit(1)
}
console.log(`snippet check passed: ${files.length} blocks compile (${seconds()})`)
