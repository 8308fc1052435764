// The import-cycle check (`pnpm check:cycles`, run by .ci/run): builds the graph of relative
// imports between the modules of packages/*/src (type-only imports included: a circle of types
// is still a circle of concepts) and fails on any cycle, printing each one. Layers run one way
// (docs/architecture.md#layers).
import * as Fs from "node:fs"
import * as Path from "node:path"

const root = Path.resolve(import.meta.dirname, "..")
const packages = Path.join(root, "packages")

const walk = (dir) =>
  Fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = Path.join(dir, entry.name)
    if (entry.isDirectory()) return walk(full)
    return /\.(ts|mts|cts)$/.test(entry.name) && !entry.name.endsWith(".d.ts") ? [full] : []
  })

const files = Fs.readdirSync(packages, { withFileTypes: true })
  .filter((d) => d.isDirectory() && Fs.existsSync(Path.join(packages, d.name, "src")))
  .flatMap((d) => walk(Path.join(packages, d.name, "src")))
const known = new Set(files)

// `import … from "./x.js"`, `export … from "./x.js"`, `import("./x.js")`, `import "./x.js"`.
const specifiers = (source) => {
  const text = source.replace(/\/\*[\s\S]*?\*\//g, "").replace(/^\s*\/\/.*$/gm, "")
  const found = []
  for (
    const re of [
      /\b(?:import|export)\b[^'"`;]*?\bfrom\s*["']([^"']+)["']/g,
      /\bimport\s*\(\s*["']([^"']+)["']\s*\)/g,
      /^\s*import\s*["']([^"']+)["']/gm
    ]
  ) {
    for (const m of text.matchAll(re)) found.push(m[1])
  }
  return found
}

const resolve = (from, spec) => {
  if (!spec.startsWith(".")) return undefined
  const base = Path.resolve(Path.dirname(from), spec)
  const candidates = [
    base.replace(/\.js$/, ".ts"),
    base.replace(/\.mjs$/, ".mts"),
    base.replace(/\.cjs$/, ".cts"),
    `${base}.ts`,
    Path.join(base, "index.ts")
  ]
  return candidates.find((c) => known.has(c))
}

const graph = new Map(files.map((f) => [f, [...new Set(specifiers(Fs.readFileSync(f, "utf8")).map((s) => resolve(f, s)).filter(Boolean))]]))
const edges = [...graph.values()].reduce((n, to) => n + to.length, 0)

// Tarjan's strongly connected components: every component of more than one module (or a module
// importing itself) is a cycle.
let index = 0
const stack = []
const state = new Map()
const components = []
const connect = (v) => {
  state.set(v, { index, low: index, onStack: true })
  index++
  stack.push(v)
  for (const w of graph.get(v)) {
    if (!state.has(w)) {
      connect(w)
      state.get(v).low = Math.min(state.get(v).low, state.get(w).low)
    } else if (state.get(w).onStack) {
      state.get(v).low = Math.min(state.get(v).low, state.get(w).index)
    }
  }
  if (state.get(v).low === state.get(v).index) {
    const component = []
    let w
    do {
      w = stack.pop()
      state.get(w).onStack = false
      component.push(w)
    } while (w !== v)
    if (component.length > 1 || graph.get(v).includes(v)) components.push(component)
  }
}
for (const v of graph.keys()) if (!state.has(v)) connect(v)

const rel = (f) => Path.relative(root, f)
// One concrete circle through a component, for the message.
const circleIn = (component) => {
  const members = new Set(component)
  const start = component[component.length - 1]
  const path = [start]
  const seen = new Set([start])
  const search = (v) => {
    for (const w of graph.get(v)) {
      if (!members.has(w)) continue
      if (w === start) return true
      if (seen.has(w)) continue
      seen.add(w)
      path.push(w)
      if (search(w)) return true
      path.pop()
    }
    return false
  }
  search(start)
  return [...path, start].map(rel).join(" → ")
}

console.log(`import graph: ${graph.size} modules, ${edges} imports (packages/*/src)`)
if (components.length > 0) {
  console.error(`import cycles: ${components.length}`)
  for (const c of components) {
    console.error(`- ${c.length} modules: ${c.map(rel).sort().join(", ")}`)
    console.error(`  e.g. ${circleIn(c)}`)
  }
  process.exit(1)
}
console.log("no import cycles")
