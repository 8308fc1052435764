// Send-only bundle size (`pnpm size`, run by .ci/run after the consumer check built dist/):
// esbuild bundles scripts/bundle/send-only.ts against the built, pure-annotated ES modules
// (packages/*/dist), minified, and reports minified and gzip sizes and the SDK's own share
// (from the metafile). Fails above the budget so a change that drags the sandbox, webhooks or
// Redis into a send-only app is seen.
import { build } from "esbuild"
import * as Fs from "node:fs"
import * as Path from "node:path"
import * as Zlib from "node:zlib"

const repoRoot = Path.resolve(import.meta.dirname, "..")
// bytes; measured 357.1 KB and 54.4 KB (2026-12-07: the option checks, the client token kept in the
// token store, the telemetry conventions; still no sandbox, webhook or Redis module reached)
const budget = { minified: 400_000, sdk: 60_000 }
for (const name of ["core", "group"]) {
  if (!Fs.existsSync(Path.join(repoRoot, "packages", name, "dist", "dist", "esm", "index.js"))) {
    console.error(`packages/${name}/dist is missing: run \`pnpm build\` first`)
    process.exit(1)
  }
}
const result = await build({
  entryPoints: [Path.join(import.meta.dirname, "bundle", "send-only.ts")],
  bundle: true,
  minify: true,
  write: false,
  metafile: true,
  format: "esm",
  platform: "node",
  target: "es2022",
  // the published ES modules (what the packages' "import" condition points at), subpaths too
  plugins: [{
    name: "built-sdk",
    setup: (b) =>
      b.onResolve({ filter: /^@effect-douyin\/(core|group)(\/.*)?$/ }, (args) => {
        const [, name, sub] = /^@effect-douyin\/(core|group)(?:\/(.*))?$/.exec(args.path)
        return { path: Path.join(repoRoot, "packages", name, "dist", "dist", "esm", `${sub ?? "index"}.js`) }
      })
  }],
  logLevel: "error"
})
const code = result.outputFiles[0].contents
const gzip = Zlib.gzipSync(code, { level: 9 }).length
const inputs = Object.values(result.metafile.outputs)[0].inputs
const share = (test) => Object.entries(inputs).filter(([file]) => test(file)).reduce((n, [, i]) => n + i.bytesInOutput, 0)
const sdk = share((f) => f.includes("packages/core/dist/") || f.includes("packages/group/dist/"))
const sdkFiles = Object.keys(inputs).filter((f) => f.includes("packages/")).map((f) => f.replace(/.*dist\/dist\/esm\//, ""))
const kb = (n) => `${(n / 1024).toFixed(1)} KB`
console.log(`send-only bundle: ${kb(code.length)} minified, ${kb(gzip)} gzip; SDK's own code ${kb(sdk)} (${sdkFiles.length} modules)`)
console.log(`  SDK modules: ${sdkFiles.sort().join(", ")}`)
const unwanted = sdkFiles.filter((f) => /Sandbox|sandbox|Webhook|Redis|Broadcast|TokenStore/.test(f))
if (unwanted.length > 0) console.log(`  NOTE: reached by a send-only program: ${unwanted.join(", ")}`)
if (code.length > budget.minified || sdk > budget.sdk) {
  console.error(`over budget (${kb(budget.minified)} minified, SDK ${kb(budget.sdk)})`)
  process.exit(1)
}
