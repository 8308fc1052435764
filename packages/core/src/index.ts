/**
 * Where the shared Redis is (`DOUYIN_REDIS_URL`, `DOUYIN_REDIS_PREFIX`), without loading a
 * Redis client.
 *
 * @since 0.4.0
 */
export * as RedisConnection from "./RedisConnection.js"

/**
 * @since 0.1.0
 */
export * as AccessToken from "./AccessToken.js"
export * as Call from "./Call.js"
export * as ClientToken from "./ClientToken.js"
export * as ConfigCheck from "./ConfigCheck.js"
export * as DouyinClient from "./DouyinClient.js"
export * as DouyinConfig from "./DouyinConfig.js"
export * as DouyinError from "./DouyinError.js"
export * as DouyinMetrics from "./DouyinMetrics.js"
export * as DouyinTest from "./DouyinTest.js"
export * as Endpoint from "./Endpoint.js"
export * as Envelope from "./Envelope.js"
export * as ErrorCode from "./ErrorCode.js"
export * as FailureClass from "./FailureClass.js"
export * as OAuth from "./OAuth.js"
export * as OAuthState from "./OAuthState.js"
export * as Onboarding from "./Onboarding.js"
export * as RateLimit from "./RateLimit.js"
export * as Retry from "./Retry.js"
export * as TokenStore from "./TokenStore.js"
