// `prepack` of a workspace package. Its own package.json is the workspace's (exports to `src/*.ts`,
// `workspace:` ranges, scripts): packing this folder would ship a package that cannot be used.
// pnpm packs and publishes `dist/` instead (`publishConfig.directory`), so under pnpm this builds
// that folder first; npm ignores `publishConfig.directory`, so under npm it refuses and says what
// to pack. (`npm pack packages/<name>/dist` after `pnpm build` runs no prepack: that folder's
// manifest has no scripts.)
import { spawnSync } from "node:child_process"
import * as Path from "node:path"

const agent = process.env.npm_config_user_agent ?? ""
if (!agent.startsWith("pnpm/")) {
  const dir = Path.relative(process.env.INIT_CWD ?? process.cwd(), Path.join(process.cwd(), "dist")) || "dist"
  console.error(
    `This folder is the workspace source of the package and is not packable as it is.\n` +
      `Use \`pnpm pack\` / \`pnpm publish\` here (they ship dist/), or \`pnpm build\` and then \`npm pack ${dir}\`.`
  )
  process.exit(1)
}
const build = spawnSync(process.execPath, [Path.join(import.meta.dirname, "build-package.mjs")], { stdio: "inherit" })
process.exit(build.status ?? 1)
