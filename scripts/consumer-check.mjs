// The consumer check (`pnpm consumer-check`, run by .ci/run): the two packages as a user gets
// them. Packs both with `pnpm pack` (which builds `dist/`, see scripts/prepack.mjs), checks the
// published manifests, installs the tarballs with npm (not the workspace) into a fresh project
// next to Effect 3 (npm's `latest` is Effect 4), type-checks scripts/consumer/main.ts with
// `skipLibCheck: false` under NodeNext / Bundler / node10 resolution, `exactOptionalPropertyTypes`
// on and off, and runs the compiled JavaScript with plain `node` as ESM and as CommonJS against
// the in-process sandbox, asserting its output, on this Node (20) and on Node 22 (the official
// binary, fetched from the npm registry as `node-<platform>-<arch>`). Offline apart from the npm registry (npm's cache
// serves repeated runs). Set KEEP=1 to keep the temporary project.
import { execFileSync, spawn } from "node:child_process"
import * as Fs from "node:fs"
import { createRequire } from "node:module"
import * as Path from "node:path"
import { freshProject } from "./consumer-project.mjs"

const repoRoot = Path.resolve(import.meta.dirname, "..")
const require = createRequire(Path.join(repoRoot, "package.json"))
const tsc = require.resolve("typescript/bin/tsc")
const started = Date.now()
const seconds = (since) => `${((Date.now() - since) / 1000).toFixed(1)} s`
const fail = (message) => {
  console.error(`consumer check FAILED: ${message}`)
  process.exit(1)
}
const run = (cmd, args, cwd) => execFileSync(cmd, args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] })
const runAsync = (cmd, args, cwd) =>
  new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd, stdio: ["ignore", "pipe", "pipe"] })
    let output = ""
    child.stdout.on("data", (d) => (output += d))
    child.stderr.on("data", (d) => (output += d))
    child.on("close", (code) => resolve({ code, output }))
  })

// 1. Pack, as a release does, into a fresh temporary project.
let t = Date.now()
const { dir, packed } = freshProject("effect-douyin-consumer-")
console.log(`  (${seconds(t)})`)

// Node 22 for the runs, fetched while the rest proceeds.
const node22Version = "22.23.5"
const node22Package = `node-${process.platform === "win32" ? "win" : process.platform}-${process.arch}`
const node22Dir = Path.join(dir, "node22")
const node22 = runAsync(
  "npm",
  [
    "install",
    "--no-save",
    "--no-audit",
    "--no-fund",
    "--prefer-offline",
    "--loglevel=error",
    "--prefix",
    node22Dir,
    `${node22Package}@${node22Version}`
  ],
  dir
).then(({ code, output }) => {
  if (code !== 0) fail(`npm install ${node22Package}@${node22Version}\n${output}`)
  return Path.join(node22Dir, "node_modules", node22Package, "bin", process.platform === "win32" ? "node.exe" : "node")
})

// 2. A fresh project, installed with npm from the tarballs.
t = Date.now()
Fs.writeFileSync(Path.join(dir, "package.json"), JSON.stringify({ name: "consumer", private: true }, null, 2))
const source = Fs.readFileSync(Path.join(import.meta.dirname, "consumer", "main.ts"), "utf8")
for (const kind of ["esm", "cjs"]) {
  Fs.mkdirSync(Path.join(dir, kind))
  Fs.writeFileSync(Path.join(dir, kind, "package.json"), JSON.stringify({ type: kind === "esm" ? "module" : "commonjs" }))
  Fs.writeFileSync(Path.join(dir, kind, "main.ts"), source)
}
const install = [
  "install",
  "--no-audit",
  "--no-fund",
  "--prefer-offline",
  "--loglevel=error",
  ...packed,
  "effect@^3.22",
  "@effect/platform@^0.97",
  "@types/node@~20.19.43"
]
try {
  run("npm", install, dir)
} catch (e) {
  fail(`npm ${install.join(" ")}\n${e.stdout}${e.stderr}`)
}
const version = (name) => JSON.parse(Fs.readFileSync(Path.join(dir, "node_modules", name, "package.json"), "utf8")).version
console.log(
  `npm install (tarballs, effect ${version("effect")}, @effect/platform ${version("@effect/platform")}) in ${seconds(t)}`
)
const tsVersion = run(process.execPath, [tsc, "--version"]).trim()
console.log(`node ${process.version}, ${tsVersion}, skipLibCheck: false`)

// 3. Type-check (both exactOptionalPropertyTypes settings) and emit, per resolution. One NodeNext
// program holds both module kinds (each file's kind comes from its package.json) and emits next
// to the sources; Bundler emits ESM into esm/out-Bundler, node10 CommonJS into cjs/out-node10.
const variants = [
  {
    name: "NodeNext",
    dir: ".",
    module: "NodeNext",
    moduleResolution: "NodeNext",
    files: ["esm/main.ts", "cjs/main.ts"],
    runs: [["esm", "esm/main.js"], ["cjs", "cjs/main.js"]]
  },
  {
    name: "Bundler",
    dir: "esm",
    module: "ESNext",
    moduleResolution: "Bundler",
    files: ["main.ts"],
    outDir: "out-Bundler",
    runs: [["esm", "esm/out-Bundler/main.js"]]
  },
  {
    name: "node10",
    dir: "cjs",
    module: "CommonJS",
    moduleResolution: "Node10",
    files: ["main.ts"],
    outDir: "out-node10",
    runs: [["cjs", "cjs/out-node10/main.js"]]
  }
]
t = Date.now()
const compiles = variants.flatMap((v) =>
  [true, false].map((exact) => {
    const config = `tsconfig.${v.name}.${exact ? "exact" : "loose"}.json`
    Fs.writeFileSync(
      Path.join(dir, v.dir, config),
      JSON.stringify(
        {
          compilerOptions: {
            target: "ES2022",
            lib: ["ES2022", "DOM"], // @effect/platform's own declarations name DOM types (Storage, MessagePort)
            types: ["node"],
            strict: true,
            exactOptionalPropertyTypes: exact,
            skipLibCheck: false,
            module: v.module,
            moduleResolution: v.moduleResolution,
            noEmitOnError: true,
            ...(exact ? (v.outDir ? { outDir: v.outDir } : {}) : { noEmit: true })
          },
          files: v.files
        },
        null,
        2
      )
    )
    return { v, exact, config }
  })
)
const results = []
for (let i = 0; i < compiles.length; i += 2) { // two at a time: the machine has two cores
  const batch = await Promise.all(
    compiles.slice(i, i + 2).map(async (c) => ({
      ...c,
      ...(await runAsync(process.execPath, [tsc, "-p", c.config], Path.join(dir, c.v.dir)))
    }))
  )
  results.push(...batch)
}
console.log(`type-checked ${results.length} configurations in ${seconds(t)}`)

// 4. Run the emitted JavaScript with plain node; assert what it printed and what it loaded.
const expected = (kind) =>
  JSON.stringify({
    module: kind,
    sent: true,
    messages: [{ msg_type: 1, text: { text: "Live in 10 minutes!" } }], // the wire content as sent
    rejected: "DouyinInvalidInput",
    typed: true,
    schemas: true
  })
const nodes = [["node20", process.execPath], ["node22", await node22]]
for (const [name, bin] of nodes) console.log(`${name}: ${run(bin, ["--version"]).trim()}`)
const resolved = {
  esm: run(
    process.execPath,
    ["--input-type=module", "-e", "console.log(import.meta.resolve('@effect-douyin/group'))"],
    Path.join(dir, "esm")
  ).trim(),
  cjs: run(process.execPath, ["-p", "require.resolve('@effect-douyin/group')"], Path.join(dir, "cjs")).trim()
}
let failed = false
const rows = []
for (const v of variants) {
  const checks = results.filter((r) => r.v === v)
  for (const r of checks.filter((r) => r.code !== 0)) {
    console.error(`--- ${v.name} exactOptionalPropertyTypes ${r.exact}:\n${r.output}`)
    failed = true
  }
  const typed = checks.every((r) => r.code === 0)
  for (const [kind, main] of v.runs) {
    let runOutput = "(not run: type errors)"
    if (typed) {
      const outputs = []
      for (const [name, bin] of nodes) {
        const out = await runAsync(bin, [main], dir)
        outputs.push(`${name} ${out.output.trim()}`)
        if (out.code !== 0 || out.output.trim() !== expected(kind)) {
          console.error(`--- ${v.name} ${kind} on ${name}: expected ${expected(kind)}, got ${out.output.trim()}`)
          failed = true
        }
      }
      // One line when every Node printed the same.
      const texts = outputs.map((o) => o.slice(o.indexOf(" ") + 1))
      runOutput = texts.every((t) => t === texts[0]) ? `${nodes.map(([name]) => name).join(" = ")}: ${texts[0]}` : outputs.join("; ")
    }
    if (!resolved[kind].endsWith(`/dist/${kind}/index.js`)) failed = true
    rows.push(
      `${v.name.padEnd(8)}  ${kind}  exactOptionalPropertyTypes on: ${checks.find((r) => r.exact).code === 0 ? "ok" : "FAIL"}` +
        `, off: ${checks.find((r) => !r.exact).code === 0 ? "ok" : "FAIL"}` +
        `  loads …${resolved[kind].slice(resolved[kind].indexOf("/group/") + 1)}  node ${main}: ${runOutput}`
    )
  }
}
console.log(rows.join("\n"))
if (process.env.KEEP) console.log(`kept ${dir}`)
else Fs.rmSync(dir, { recursive: true, force: true })
if (failed) fail("see above")
console.log(`consumer check passed in ${seconds(started)}`)
