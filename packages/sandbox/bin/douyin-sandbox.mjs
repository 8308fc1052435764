#!/usr/bin/env node
// The `douyin-sandbox` command (see the SandboxCli module): a local Douyin on 127.0.0.1.
import { main } from "@effect-douyin/sandbox/SandboxCli"

main(process.argv.slice(2))
