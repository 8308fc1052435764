import { defineProject } from "vitest/config"

export default defineProject({
  test: { name: "group", include: ["test/**/*.test.ts"], isolate: false }
})
