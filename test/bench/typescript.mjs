// `node --import ./test/bench/typescript.mjs file.ts`: registers typescript-loader.mjs.
import { register } from "node:module"
register("./typescript-loader.mjs", import.meta.url)
