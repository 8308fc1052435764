import { defineConfig } from "vitest/config"

export default defineConfig({
  test: {
    projects: ["packages/core", "packages/group", "packages/sandbox", "test", "examples"]
  }
})
