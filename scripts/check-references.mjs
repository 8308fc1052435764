// The reference check (`pnpm check:references`, run by .ci/run): what the repository ships and
// what its readers see cites only the repository itself (docs/…, README.md, other files in the
// tree) or public URLs: never a file that exists outside it, and never the project's work items.
// Fails on:
// - a markdown file name that does not resolve to a file of the repository (relative to the
//   citing file, or to the repository root; a `docs/` path always from the root), except the
//   CHANGELOG files changesets writes at release;
// - a work item: the word issue followed by a number;
// - a path out of the tree to the shared notes of the team;
// - in docs/, a test cited by name that its file does not have.
// Scanned: every text file git tracks (or would track) except the lockfile and this script (which
// has to spell out what it looks for).
import { execFileSync } from "node:child_process"
import * as Fs from "node:fs"
import * as Path from "node:path"

const root = Path.resolve(import.meta.dirname, "..")
const files = execFileSync("git", ["ls-files", "--cached", "--others", "--exclude-standard", "-z"], {
  cwd: root,
  encoding: "utf8"
})
  .split("\0")
  .filter((f) => f !== "" && f !== "pnpm-lock.yaml" && f !== "scripts/check-references.mjs")
  .filter((f) => Fs.existsSync(Path.join(root, f)))
  .filter((f) => /\.(ts|mts|cts|js|mjs|cjs|json|md|ya?ml|sh)$/.test(f) || f.startsWith(".ci/"))

const rules = [
  { name: "work item", re: /\bissues?\s*#?\d+/gi },
  { name: "path outside the repository", re: /(?:\.\.\/)+shared\b|\bshared\/docs\b/g }
]
const markdownName = /(?<![\w@/.-])((?:[\w.-]+\/)*[\w-]+\.md)\b(?!\w)(?:#([\w-]+))?/g

// The anchors of a markdown file as GitHub makes them from its headings.
const anchorsCache = new Map()
const anchorsOf = (path) => {
  if (!anchorsCache.has(path)) {
    const seen = new Map()
    const anchors = new Set()
    for (const m of Fs.readFileSync(path, "utf8").matchAll(/^#{1,6}\s+(.+?)\s*#*\s*$/gm)) {
      const slug = m[1].toLowerCase().replace(/[`*_]/g, "").replace(/[^\p{L}\p{N}\s-]/gu, "").replace(/\s/g, "-")
      const n = seen.get(slug) ?? 0
      seen.set(slug, n + 1)
      anchors.add(n === 0 ? slug : `${slug}-${n}`)
    }
    anchorsCache.set(path, anchors)
  }
  return anchorsCache.get(path)
}

const exists = (p) => Fs.existsSync(p) && Fs.statSync(p).isFile()
const generated = new Set(["CHANGELOG.md"])
const resolve = (file, name) =>
  [Path.join(root, name), ...(name.startsWith("docs/") ? [] : [Path.join(root, Path.dirname(file), name)])].find(exists)

const problems = []
for (const file of files) {
  const text = Fs.readFileSync(Path.join(root, file), "utf8")
  const lines = text.split("\n")
  lines.forEach((line, i) => {
    for (const rule of rules) {
      for (const m of line.matchAll(rule.re)) problems.push(`${file}:${i + 1}: ${rule.name}: "${m[0]}"`)
    }
    for (const m of line.matchAll(markdownName)) {
      // A URL's path is the vendor's business, not a file of ours.
      const before = line.slice(0, m.index)
      if (/https?:\/\/\S*$/.test(before)) continue
      if (generated.has(Path.basename(m[1]))) continue
      const target = resolve(file, m[1])
      if (target === undefined) problems.push(`${file}:${i + 1}: not a file of the repository: "${m[1]}"`)
      else if (m[2] !== undefined && !anchorsOf(target).has(m[2])) {
        problems.push(`${file}:${i + 1}: no heading "#${m[2]}" in ${Path.relative(root, target)}`)
      }
    }
  })
}
// docs/ names the test that proves a promise as `file.test.ts`: "its name" (a "…" stands for
// a part left out): the name must be one the file has, so a renamed test does not leave a claim
// without proof.
const squash = (text) => text.replace(/\s+/g, " ")
for (const file of files.filter((f) => /^docs\/.*\.md$/.test(f))) {
  const text = Fs.readFileSync(Path.join(root, file), "utf8")
  const cited = /`((?:test|packages|examples)\/[\w./-]+\.test\.ts)`(?::| \()\s*((?:"[^"]+"(?:,| and)?\s*)+)/g
  for (const m of text.matchAll(cited)) {
    const line = text.slice(0, m.index).split("\n").length
    const testFile = Path.join(root, m[1])
    if (!exists(testFile)) {
      problems.push(`${file}:${line}: no test file ${m[1]}`)
      continue
    }
    const source = squash(Fs.readFileSync(testFile, "utf8"))
    for (const [, name] of m[2].matchAll(/"([^"]+)"/g)) {
      for (const part of squash(name).split("…").map((p) => p.trim()).filter((p) => p !== "")) {
        if (!source.includes(part)) problems.push(`${file}:${line}: ${m[1]} has no test named "${part}"`)
      }
    }
  }
}
if (problems.length > 0) {
  console.error(`reference check FAILED: ${problems.length} problem(s)`)
  for (const p of problems) console.error(`  ${p}`)
  console.error("Cite docs/wire.md, docs/reliability.md, docs/architecture.md (with an #anchor) or the vendor's URL.")
  process.exit(1)
}
console.log(`reference check: ${files.length} files, no reference outside the repository or to work items; every test docs/ names exists`)
