// Builds one workspace package (run in its folder: `pnpm build`) into `dist/`, the folder that is
// packed and published (`publishConfig.directory`), laid out as Effect's own packages are:
//
//   dist/package.json   written here: exports to the build output, `workspace:` ranges made real,
//                       no scripts / devDependencies; `main` / `module` / `types` / `typesVersions`
//                       for resolvers that do not read `exports` (TypeScript `node10`)
//   dist/dist/esm       ES modules (tsc), `/*#__PURE__*/` annotated (Babel annotate-pure-calls)
//   dist/dist/cjs       CommonJS (Babel from the ESM output), annotated the same way
//   dist/dist/dts       declarations + declaration maps, one set for both module kinds
//   dist/src            the sources the maps point at
//   README.md, LICENSE, CHANGELOG.md
//
// The entry points are every `src/*.ts` (one module each, see docs/architecture.md#packages-and-modules): a new module is
// exported without touching a list; `src/internal/**` is never exported.
import { transformFileAsync } from "@babel/core"
import { spawnSync } from "node:child_process"
import * as Fs from "node:fs"
import { createRequire } from "node:module"
import * as Path from "node:path"

const pkgDir = process.cwd()
const repoRoot = Path.resolve(import.meta.dirname, "..")
const require = createRequire(Path.join(repoRoot, "package.json"))
const readJson = (file) => JSON.parse(Fs.readFileSync(file, "utf8"))
const writeJson = (file, value) => Fs.writeFileSync(file, JSON.stringify(value, null, 2) + "\n")

const source = readJson(Path.join(pkgDir, "package.json"))
const build = Path.join(pkgDir, "build")
const out = Path.join(pkgDir, "dist")
Fs.rmSync(build, { recursive: true, force: true })
Fs.rmSync(out, { recursive: true, force: true })

// 1. ESM + declarations with tsc (tsconfig.build.json: outDir build/esm, declarationDir build/dts).
const tsc = spawnSync(process.execPath, [require.resolve("typescript/bin/tsc"), "-p", "tsconfig.build.json"], {
  cwd: pkgDir,
  stdio: "inherit"
})
if (tsc.status !== 0) process.exit(tsc.status ?? 1)

// 2. Babel: pure annotations on the ESM output, and the CommonJS build from it.
const walk = (dir) =>
  Fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => e.isDirectory() ? walk(Path.join(dir, e.name)) : [Path.join(dir, e.name)])
const plugins = {
  esm: [require.resolve("babel-plugin-annotate-pure-calls")],
  cjs: [
    require.resolve("babel-plugin-annotate-pure-calls"),
    require.resolve("@babel/plugin-transform-export-namespace-from"),
    require.resolve("@babel/plugin-transform-modules-commonjs")
  ]
}
const esmIn = Path.join(build, "esm")
for (const file of walk(esmIn).filter((f) => f.endsWith(".js"))) {
  const rel = Path.relative(esmIn, file)
  for (const kind of ["esm", "cjs"]) {
    const result = await transformFileAsync(file, {
      babelrc: false,
      configFile: false,
      plugins: plugins[kind],
      sourceMaps: true,
      inputSourceMap: JSON.parse(Fs.readFileSync(file + ".map", "utf8"))
    })
    const target = Path.join(out, "dist", kind, rel)
    Fs.mkdirSync(Path.dirname(target), { recursive: true })
    // Same depth as build/esm, so the maps' `../../src/…` sources resolve to dist/src.
    result.map.file = Path.basename(target)
    Fs.writeFileSync(target, `${result.code}\n//# sourceMappingURL=${Path.basename(target)}.map\n`)
    writeJson(target + ".map", result.map)
  }
}
// The ES modules sit below a package.json that says so; the package root stays CommonJS, so the
// CommonJS build and the declarations (read by both kinds of consumer) need no marker.
writeJson(Path.join(out, "dist", "esm", "package.json"), { type: "module", sideEffects: [] })
Fs.cpSync(Path.join(build, "dts"), Path.join(out, "dist", "dts"), { recursive: true })
Fs.cpSync(Path.join(pkgDir, "src"), Path.join(out, "src"), { recursive: true })
// Commands (`bin`): small scripts that import the package's own entry points by name.
if (source.bin) Fs.cpSync(Path.join(pkgDir, "bin"), Path.join(out, "bin"), { recursive: true })

// 3. The published manifest.
const workspaceVersions = Object.fromEntries(
  Fs.readdirSync(Path.join(repoRoot, "packages")).map((dir) => {
    const m = readJson(Path.join(repoRoot, "packages", dir, "package.json"))
    return [m.name, m.version]
  })
)
const realRanges = (deps) =>
  deps &&
  Object.fromEntries(
    Object.entries(deps).map(([name, range]) => {
      if (!range.startsWith("workspace:")) return [name, range]
      const spec = range.slice("workspace:".length)
      const version = workspaceVersions[name]
      if (version === undefined) throw new Error(`${source.name}: ${name} is not a workspace package`)
      return [name, spec === "*" ? version : spec === "^" || spec === "~" ? spec + version : spec]
    })
  )

const modules = Fs.readdirSync(Path.join(pkgDir, "src"))
  .filter((f) => f.endsWith(".ts") && f !== "index.ts")
  .map((f) => f.slice(0, -3))
  .sort()
const entry = (name) => ({
  types: `./dist/dts/${name}.d.ts`,
  import: `./dist/esm/${name}.js`,
  default: `./dist/cjs/${name}.js`
})
const manifest = {
  name: source.name,
  version: source.version,
  description: source.description,
  license: source.license,
  repository: source.repository,
  homepage: source.homepage,
  bugs: source.bugs,
  keywords: source.keywords,
  engines: source.engines,
  sideEffects: [],
  // Explicit, so no ignore file of the repository (`dist/` in .gitignore) can drop the build.
  files: ["dist", "src", ...(source.bin ? ["bin"] : []), "README.md", "LICENSE", "CHANGELOG.md"],
  bin: source.bin,
  dependencies: realRanges(source.dependencies),
  peerDependencies: realRanges(source.peerDependencies),
  peerDependenciesMeta: source.peerDependenciesMeta,
  publishConfig: { access: "public" },
  main: "./dist/cjs/index.js",
  module: "./dist/esm/index.js",
  types: "./dist/dts/index.d.ts",
  exports: {
    "./package.json": "./package.json",
    ".": entry("index"),
    ...Object.fromEntries(modules.map((m) => [`./${m}`, entry(m)])),
    "./internal/*": null
  },
  typesVersions: { "*": Object.fromEntries(modules.map((m) => [m, [`./dist/dts/${m}.d.ts`]])) }
}
for (const [key, value] of Object.entries(manifest)) if (value === undefined) delete manifest[key]
writeJson(Path.join(out, "package.json"), manifest)

// 4. README (the package's own), LICENSE (the repository's), CHANGELOG (changesets writes it).
for (const [file, from] of [["README.md", pkgDir], ["CHANGELOG.md", pkgDir], ["LICENSE", repoRoot]]) {
  const path = Path.join(from, file)
  if (!Fs.existsSync(path)) throw new Error(`${source.name}: ${path} is missing (it ships in the tarball)`)
  Fs.copyFileSync(path, Path.join(out, file))
}
Fs.rmSync(build, { recursive: true, force: true })
console.log(`${source.name}@${source.version}: dist/ (esm, cjs, dts; ${modules.length + 1} entry points)`)
