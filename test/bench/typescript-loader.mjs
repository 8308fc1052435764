// Node module hooks that run the benchmark's TypeScript as the TypeScript compiler emits it
// (`ts.transpileModule`, as the published build does), not as tsx does: tsx compiles with
// esbuild's `keepNames`, which wraps every function the SDK creates per call in a
// `__name(fn, "…")` call (an `Object.defineProperty`): a cost users of the built package never pay.
import * as Fs from "node:fs"
import { fileURLToPath } from "node:url"
import ts from "typescript"

const options = { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, verbatimModuleSyntax: true, sourceMap: false }

export async function resolve(specifier, context, next) {
  try {
    return await next(specifier, context)
  } catch (error) {
    // The sources import each other as `./x.js` (NodeNext): the file on disk is `./x.ts`.
    if (specifier.endsWith(".js") && (specifier.startsWith(".") || specifier.startsWith("/"))) {
      return next(specifier.slice(0, -3) + ".ts", context)
    }
    throw error
  }
}

export async function load(url, context, next) {
  if (!url.startsWith("file:") || !url.endsWith(".ts") || url.includes("/node_modules/")) return next(url, context)
  const source = Fs.readFileSync(fileURLToPath(url), "utf8")
  const output = ts.transpileModule(source, { compilerOptions: options, fileName: fileURLToPath(url) })
  return { format: "module", source: output.outputText, shortCircuit: true }
}
