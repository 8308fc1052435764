/**
 * The Douyin codes the sandbox answers: the SDK's table plus the OAuth codes only an emulator
 * of the server needs to send (docs/wire.md lists their meanings).
 */
import { ErrorCode } from "@effect-douyin/core"

export const Codes = {
  ...ErrorCode.Codes,
  /** client_key invalid or not found. */
  oauthClientKeyInvalid: 10003,
  /** A required parameter is missing. */
  oauthMissingParameter: 10005,
  /** The authorization code expired or was already used. */
  oauthCodeExpired: 10007,
  /** client_key or client_secret wrong. */
  oauthClientSecretWrong: 10013
} as const
