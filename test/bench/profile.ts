/**
 * The top self-time entries of a V8 CPU profile, to see what holds a bench row back:
 *
 *   node --cpu-prof --cpu-prof-dir=/tmp/prof --expose-gc --import ./test/bench/typescript.mjs test/bench/run.ts --only cost --row "production"
 *   node --import ./test/bench/typescript.mjs test/bench/profile.ts /tmp/prof/*.cpuprofile [--top 25] [--by module] [--callers TEXT]
 *
 * Self time per function (name, file, line), summed over the profile's samples, as a share of
 * the samples that were not idle; `(garbage collector)` and `(program)` are V8's own entries.
 */
import * as Fs from "node:fs"

interface Node {
  readonly id: number
  readonly children?: ReadonlyArray<number>
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number }
}

interface Profile {
  readonly nodes: ReadonlyArray<Node>
  readonly samples: ReadonlyArray<number>
  readonly timeDeltas: ReadonlyArray<number>
}

const args = process.argv.slice(2)
const top = args.includes("--top") ? Number(args[args.indexOf("--top") + 1]) : 25
// `--callers TEXT`: for the functions whose entry contains TEXT, their callers' self-time shares.
const callersOf = args.includes("--callers") ? args[args.indexOf("--callers") + 1] : undefined
// `--by module`: self time per module (file) instead of per function.
const byModule = args.includes("--by") && args[args.indexOf("--by") + 1] === "module"
const files = args.filter((a) => a.endsWith(".cpuprofile"))

const shortUrl = (url: string) => {
  const modules = url.lastIndexOf("node_modules/")
  const trimmed = modules >= 0 ? url.slice(modules + "node_modules/".length) : url.replace(/^file:\/\/.*?\/(packages|test)\//, "$1/")
  return trimmed.replace(/^\.pnpm\/[^/]+\/node_modules\//, "")
}

for (const file of files) {
  const profile = JSON.parse(Fs.readFileSync(file, "utf8")) as Profile
  const byId = new Map(profile.nodes.map((n) => [n.id, n]))
  const self = new Map<string, number>()
  let total = 0
  profile.samples.forEach((id, i) => {
    const frame = byId.get(id)!.callFrame
    if (frame.functionName === "(idle)") return
    const key = byModule
      ? (frame.url === "" ? frame.functionName : shortUrl(frame.url))
      : `${frame.functionName || "(anonymous)"}  ${shortUrl(frame.url)}:${frame.lineNumber + 1}`
    const dt = profile.timeDeltas[i] ?? 0
    self.set(key, (self.get(key) ?? 0) + dt)
    total += dt
  })
  process.stdout.write(`${file}: ${(total / 1000).toFixed(0)} ms of non-idle samples\n\n| self | share | function |\n| --- | --- | --- |\n`)
  for (const [key, micros] of [...self].sort((a, b) => b[1] - a[1]).slice(0, top)) {
    process.stdout.write(`| ${(micros / 1000).toFixed(0)} ms | ${((micros / total) * 100).toFixed(1)}% | \`${key}\` |\n`)
  }
  if (callersOf !== undefined) {
    const parent = new Map<number, Node>()
    for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n)
    const entry = (n: Node) => `${n.callFrame.functionName || "(anonymous)"}  ${shortUrl(n.callFrame.url)}:${n.callFrame.lineNumber + 1}`
    const callers = new Map<string, number>()
    profile.samples.forEach((id, i) => {
      let node = byId.get(id)!
      if (!entry(node).includes(callersOf)) return
      // Up to 4 frames of the caller chain.
      const chain: Array<string> = []
      for (let up = parent.get(node.id); up !== undefined && chain.length < 4; up = parent.get(up.id)) chain.push(entry(up))
      node = byId.get(id)!
      const key = chain.join(" ← ")
      callers.set(key, (callers.get(key) ?? 0) + (profile.timeDeltas[i] ?? 0))
    })
    process.stdout.write(`\ncallers of ${callersOf}:\n`)
    for (const [key, micros] of [...callers].sort((a, b) => b[1] - a[1]).slice(0, 10)) {
      process.stdout.write(`  ${(micros / 1000).toFixed(0)} ms  ${key}\n`)
    }
  }
}
