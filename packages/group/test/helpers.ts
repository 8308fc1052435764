import { DouyinTest } from "@effect-douyin/core"
import { expect } from "@effect/vitest"

/** Asserts the parts of a request every fan-group call shares, plus its own method/path/query/body. */
export const expectRequest = (
  request: DouyinTest.RecordedRequest | undefined,
  expected: {
    readonly method: "GET" | "POST"
    readonly path: string
    readonly query: Record<string, string>
    readonly body: unknown
  }
) => {
  expect(request).toBeDefined()
  const r = request!
  expect(r.method).toBe(expected.method)
  expect(r.path).toBe(expected.path)
  expect(r.url.startsWith(`https://open.douyin.com${expected.path}?`)).toBe(true)
  expect(r.query).toStrictEqual(expected.query)
  expect(r.headers["access-token"]).toBe(DouyinTest.testToken)
  expect(r.headers["content-type"]).toBe("application/json")
  expect(r.body).toStrictEqual(expected.body)
}
