/**
 * Cold import of `@effect-douyin/group` as a consumer gets it: the packages are transpiled
 * file by file to plain ESM JavaScript (TypeScript `transpileModule`, as `tsc` would emit) into
 * a temporary `node_modules` with the packages' entry points (their `exports`, pointed at the output),
 * next to links to the workspace's `effect` and `@effect/platform`. Fresh `node` processes
 * (no loader) then import it; the baseline in the same run is `@effect/platform` alone (which
 * loads `effect` too) and an empty process. With `optionalPeers` the packages' optional peer
 * dependencies (ioredis, undici) are linked too, as for a consumer who installed them all;
 * without, the install is the minimal one (a probe then shows whether it loads at all).
 */
import { spawn } from "node:child_process"
import * as Fs from "node:fs"
import * as Os from "node:os"
import * as Path from "node:path"
import { performance } from "node:perf_hooks"
import ts from "typescript"

const probeSource = `
const specifier = process.argv[2]
const start = performance.now()
if (specifier !== "-") await import(specifier)
process.stdout.write(JSON.stringify({ importMs: performance.now() - start }))
`

const transpileTree = (from: string, to: string) => {
  for (const entry of Fs.readdirSync(from, { withFileTypes: true })) {
    const source = Path.join(from, entry.name)
    if (entry.isDirectory()) {
      transpileTree(source, Path.join(to, entry.name))
    } else if (entry.name.endsWith(".ts") && !entry.name.endsWith(".d.ts")) {
      const out = ts.transpileModule(Fs.readFileSync(source, "utf8"), {
        compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, verbatimModuleSyntax: true }
      })
      Fs.mkdirSync(to, { recursive: true })
      Fs.writeFileSync(Path.join(to, entry.name.replace(/\.ts$/, ".js")), out.outputText)
    }
  }
}

/** Builds the temporary install; returns its directory (remove it with `cleanup`). */
export const prepare = (repoRoot: string, options: { readonly optionalPeers: boolean }): string => {
  const dir = Fs.mkdtempSync(Path.join(Os.tmpdir(), "effect-douyin-bench-"))
  const modules = Path.join(dir, "node_modules")
  const links = ["effect", "@effect/platform"]
  for (const name of ["core", "group"]) {
    const pkgDir = Path.join(repoRoot, "packages", name)
    const manifest = JSON.parse(Fs.readFileSync(Path.join(pkgDir, "package.json"), "utf8")) as {
      name: string
      exports: Record<string, string | null>
      peerDependenciesMeta?: Record<string, { optional?: boolean }>
    }
    if (options.optionalPeers) {
      for (const [peer, meta] of Object.entries(manifest.peerDependenciesMeta ?? {})) {
        if (meta.optional === true && !links.includes(peer)) links.push(peer)
      }
    }
    const target = Path.join(modules, manifest.name)
    transpileTree(Path.join(pkgDir, "src"), Path.join(target, "dist"))
    // The workspace exports (`./src/*.ts`) pointed at the transpiled files: the same entry
    // points as the published ESM build (scripts/build-package.mjs), without its Babel pass.
    const exportsMap = Object.fromEntries(
      Object.entries(manifest.exports).map(([key, value]) => [
        key,
        value === null ? null : value.replace(/^\.\/src\//, "./dist/").replace(/\.ts$/, ".js")
      ])
    )
    Fs.writeFileSync(
      Path.join(target, "package.json"),
      JSON.stringify({ name: manifest.name, type: "module", sideEffects: [], exports: exportsMap })
    )
  }
  for (const dep of links) {
    const link = Path.join(modules, dep)
    Fs.mkdirSync(Path.dirname(link), { recursive: true })
    Fs.symlinkSync(Fs.realpathSync(Path.join(repoRoot, "node_modules", dep)), link, "dir")
  }
  Fs.writeFileSync(Path.join(dir, "probe.mjs"), probeSource)
  return dir
}

export const cleanup = (dir: string) => Fs.rmSync(dir, { recursive: true, force: true })

export interface Sample {
  /** Time of the `import()` inside the fresh process. */
  readonly importMs: number
  /** Spawn to exit, as the parent saw it. */
  readonly wallMs: number
}

/** One fresh `node` process importing `specifier` (`-`: nothing). */
export const probe = (dir: string, specifier: string): Promise<Sample> =>
  new Promise((resolve, reject) => {
    const start = performance.now()
    const child = spawn(process.execPath, [Path.join(dir, "probe.mjs"), specifier], {
      cwd: dir,
      stdio: ["ignore", "pipe", "pipe"]
    })
    let out = ""
    let err = ""
    child.stdout.on("data", (chunk: Buffer) => {
      out += chunk.toString()
    })
    child.stderr.on("data", (chunk: Buffer) => {
      err += chunk.toString()
    })
    child.once("error", reject)
    child.once("exit", (code) => {
      const wallMs = performance.now() - start
      if (code !== 0) {
        const reason = err.split("\n").find((l) => l.startsWith("Error")) ?? err.trim().split("\n").pop() ?? ""
        return reject(new Error(`import probe for ${specifier} exited with ${code}: ${reason}`))
      }
      resolve({ importMs: (JSON.parse(out) as { importMs: number }).importMs, wallMs })
    })
  })
