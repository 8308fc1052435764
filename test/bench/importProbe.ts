/**
 * Run in a fresh process by the benchmark: imports the module named in argv[2] (or nothing
 * for `-`) and prints how long the import took, as JSON on stdout.
 */
import { performance } from "node:perf_hooks"

const specifier = process.argv[2] ?? "-"
const start = performance.now()
if (specifier !== "-") await import(specifier)
const importMs = performance.now() - start
process.stdout.write(JSON.stringify({ specifier, importMs, sinceProcessStartMs: performance.now() }))
