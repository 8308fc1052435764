/**
 * What the published packages promise about their entry points, checked on the sources so that
 * `pnpm test` catches a break before the consumer check (scripts/consumer-check.mjs) does:
 *
 * - loading a package index never loads an optional peer (`ioredis`): a module that imports
 *   one is a subpath entry point only (`@effect-douyin/core/Redis`);
 * - every public module is exported under its own subpath (the build exports each `src/*.ts`),
 *   and the index re-exports only modules, never `internal/*`.
 */
import { describe, expect, it } from "@effect/vitest"
import * as Fs from "node:fs"
import * as Path from "node:path"

const root = Path.resolve(import.meta.dirname, "..")
const packages = ["core", "group", "sandbox"].map((dir) => {
  const pkgDir = Path.join(root, "packages", dir)
  const manifest = JSON.parse(Fs.readFileSync(Path.join(pkgDir, "package.json"), "utf8")) as {
    name: string
    peerDependenciesMeta?: Record<string, { optional?: boolean }>
  }
  return { dir: pkgDir, manifest }
})

const optionalPeers = new Set(
  packages.flatMap((p) => Object.entries(p.manifest.peerDependenciesMeta ?? {}).filter(([, m]) => m.optional).map(([name]) => name))
)

// Runtime imports only: `import type` / `export type` are erased from the build.
const importsOf = (file: string): ReadonlyArray<string> => {
  const source = Fs.readFileSync(file, "utf8").replace(/\/\*[\s\S]*?\*\//g, "").replace(/^\s*\/\/.*$/gm, "")
  const found: Array<string> = []
  for (const m of source.matchAll(/^\s*(import|export)\s+(type\s+)?[^"';]*?from\s+"([^"]+)"/gm)) {
    if (m[2] === undefined) found.push(m[3]!)
  }
  for (const m of source.matchAll(/^\s*import\s+"([^"]+)"/gm)) found.push(m[1]!)
  return found
}

/** Resolves a workspace specifier to its source file (relative, or a workspace package). */
const resolve = (from: string, specifier: string): string | undefined => {
  if (specifier.startsWith(".")) return Path.resolve(Path.dirname(from), specifier.replace(/\.js$/, ".ts"))
  const pkg = packages.find((p) => specifier === p.manifest.name || specifier.startsWith(p.manifest.name + "/"))
  if (pkg === undefined) return undefined
  const sub = specifier.slice(pkg.manifest.name.length + 1)
  return Path.join(pkg.dir, "src", sub === "" ? "index.ts" : `${sub}.ts`)
}

/** Every optional peer reached from `entry`, with the import chain that reaches it. */
const optionalPeersReached = (entry: string): ReadonlyArray<string> => {
  const seen = new Set<string>()
  const reached: Array<string> = []
  const visit = (file: string, chain: ReadonlyArray<string>) => {
    if (seen.has(file)) return
    seen.add(file)
    for (const specifier of importsOf(file)) {
      const bare = specifier.startsWith("@") ? specifier.split("/").slice(0, 2).join("/") : specifier.split("/")[0]!
      if (optionalPeers.has(bare)) reached.push([...chain, Path.relative(root, file), specifier].join(" → "))
      const next = resolve(file, specifier)
      if (next !== undefined) visit(next, [...chain, Path.relative(root, file)])
    }
  }
  visit(entry, [])
  return reached
}

describe("published entry points", () => {
  it("the optional peers are known (ioredis)", () => {
    expect([...optionalPeers]).toContain("ioredis")
  })

  for (const p of packages) {
    it(`${p.manifest.name}: loading the index loads no optional peer (modules that need ioredis are subpath entry points only, like Redis and TokenStoreRedis; the index must not re-export them or import them)`, () => {
      expect(optionalPeersReached(Path.join(p.dir, "src", "index.ts"))).toEqual([])
    })

    it(`${p.manifest.name}: the index re-exports public modules only, each a subpath entry point`, () => {
      const modules = Fs.readdirSync(Path.join(p.dir, "src")).filter((f) => f.endsWith(".ts") && f !== "index.ts")
      const reexported = importsOf(Path.join(p.dir, "src", "index.ts"))
      for (const specifier of reexported) {
        expect(specifier).toMatch(/^\.\/[A-Z][A-Za-z0-9]*\.js$/)
        expect(modules).toContain(specifier.slice(2).replace(/\.js$/, ".ts"))
      }
    })
  }

  it("the SDK packages never depend on the sandbox: no module of core or group imports @effect-douyin/sandbox, and neither manifest names it", () => {
    const offenders: Array<string> = []
    for (const p of packages.filter((p) => p.manifest.name !== "@effect-douyin/sandbox")) {
      const walk = (dir: string): ReadonlyArray<string> =>
        Fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
          e.isDirectory() ? walk(Path.join(dir, e.name)) : e.name.endsWith(".ts") ? [Path.join(dir, e.name)] : []
        )
      for (const file of walk(Path.join(p.dir, "src"))) {
        if (importsOf(file).some((s) => s.startsWith("@effect-douyin/sandbox"))) offenders.push(Path.relative(root, file))
      }
      if (Fs.readFileSync(Path.join(p.dir, "package.json"), "utf8").includes("@effect-douyin/sandbox")) {
        offenders.push(Path.relative(root, Path.join(p.dir, "package.json")))
      }
    }
    expect(offenders).toEqual([])
  })

  it("the Redis module does load ioredis (so the first check can fail)", () => {
    expect(optionalPeersReached(Path.join(root, "packages/core/src/Redis.ts")).length).toBeGreaterThan(0)
  })
})
