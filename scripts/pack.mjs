// Packs the workspace packages as a release does (`pnpm pack`, which builds `dist/` first, see
// prepack.mjs) and checks what each tarball ships. Shared by consumer-check.mjs and
// install-line-check.mjs.
import { execFileSync } from "node:child_process"
import * as Fs from "node:fs"
import * as Path from "node:path"

const repoRoot = Path.resolve(import.meta.dirname, "..")
const run = (cmd, args, cwd) => execFileSync(cmd, args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] })
const shipped = ["README.md", "LICENSE", "CHANGELOG.md", "dist/esm/index.js", "dist/cjs/index.js", "dist/dts/index.d.ts"]

/** The workspace packages in dependency order (core first). */
export const packageDirs = ["core", "group", "sandbox"].map((name) => Path.join(repoRoot, "packages", name))

/** Packs every package into `destination`; returns the tarball paths. Throws on a bad tarball. */
export const packAll = (destination) =>
  packageDirs.map((pkgDir) => {
    const before = new Set(Fs.readdirSync(destination))
    run("pnpm", ["pack", "--pack-destination", destination], pkgDir)
    const file = Fs.readdirSync(destination).find((f) => !before.has(f) && f.endsWith(".tgz"))
    if (file === undefined) throw new Error(`pnpm pack wrote no tarball for ${pkgDir}`)
    const tarball = Path.join(destination, file)
    const files = run("tar", ["-tzf", tarball]).trim().split("\n")
    const manifest = JSON.parse(run("tar", ["-xzOf", tarball, "package/package.json"]))
    const problems = [
      ...shipped.filter((f) => !files.includes(`package/${f}`)).map((f) => `no ${f}`),
      ...["devDependencies", "scripts"].filter((f) => f in manifest).map((f) => `publishes ${f}`),
      ...(JSON.stringify(manifest).includes("workspace:") ? ["publishes a workspace: range"] : []),
      ...(!manifest.repository || !manifest.keywords ? ["no repository / keywords"] : []),
      ...(manifest.exports?.["."]?.default !== "./dist/cjs/index.js" ? ["exports \".\" has no CommonJS default"] : []),
      ...(manifest.exports?.["./package.json"] !== "./package.json" ? ["./package.json not exported"] : [])
    ]
    if (problems.length > 0) throw new Error(`${file}: ${problems.join("; ")}`)
    console.log(`packed ${file}: ${files.length} files; peers ${JSON.stringify(manifest.peerDependencies)}`)
    return tarball
  })
