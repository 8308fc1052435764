import { describe, expect, it } from "@effect/vitest"
import * as UrlParams from "@effect/platform/UrlParams"
import { Either, FastCheck, Option } from "effect"
import * as RequestTarget from "../src/internal/requestTarget.js"

// What the platform's clients send: `UrlParams.makeUrl`, then origin and path + query.
const viaMakeUrl = (url: string, params: UrlParams.UrlParams) =>
  Either.map(UrlParams.makeUrl(url, params, Option.none()), (u) => ({ origin: u.origin, path: u.pathname + u.search }))

const strings = FastCheck.oneof(
  FastCheck.string(),
  FastCheck.string({ unit: "grapheme" }),
  // Lone surrogates included: a USVString turns them into U+FFFD.
  FastCheck.string({ unit: "binary" }),
  FastCheck.constantFrom(" ", "+", "%", "&", "=", "#", "?", "!'()~*", "a b", "中文", "\uD800", "x\uDC00y", "")
)

describe("requestTarget: the dispatch target, as UrlParams.makeUrl gives it", () => {
  it("any query parameters, serialized as URLSearchParams serializes them", () => {
    const target = RequestTarget.make()
    FastCheck.assert(
      FastCheck.property(FastCheck.array(FastCheck.tuple(strings, strings), { maxLength: 4 }), (params) => {
        const url = "https://open.douyin.com/im/group/count/"
        expect(target(url, params)).toEqual(viaMakeUrl(url, params))
      }),
      { numRuns: 2000 }
    )
  })

  it.each([
    "http://127.0.0.1:8080/im/group/count/",
    "HTTP://Example.COM:80/a/./b/../c",
    "https://example.com:443/path with space/ü",
    "https://example.com",
    "https://example.com/p#fragment",
    "https://example.com/p?own=query&x=a b",
    "https://example.com/p?",
    "not a url",
    "/relative"
  ])("%s: the same origin, path and error as makeUrl, asked twice (parsed once)", (url) => {
    const target = RequestTarget.make()
    const params: UrlParams.UrlParams = [["open_id", "op 1"], ["cursor", "~0"]]
    for (const _ of [1, 2]) {
      const ours = target(url, params)
      const theirs = viaMakeUrl(url, params)
      expect(Either.isLeft(ours)).toBe(Either.isLeft(theirs))
      if (Either.isRight(theirs)) expect(ours).toEqual(theirs)
    }
  })

  it("a value left undefined is skipped, as makeUrl skips it", () => {
    const params = [["a", "1"], ["b", undefined], ["c", "3"]] as unknown as UrlParams.UrlParams
    expect(RequestTarget.make()("https://example.com/p", params)).toEqual(viaMakeUrl("https://example.com/p", params))
  })

  it("past its capacity the parsed URLs start over, with the same answers", () => {
    const target = RequestTarget.make(2)
    for (let i = 0; i < 5; i++) {
      const url = `https://example.com/p${i % 3}`
      expect(target(url, [["k", `v ${i}`]])).toEqual(viaMakeUrl(url, [["k", `v ${i}`]]))
    }
  })
})
