/**
 * @since 0.1.0
 */
export * as FanGroupSandbox from "./FanGroupSandbox.js"
