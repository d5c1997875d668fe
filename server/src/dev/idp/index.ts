/**
 * Development OpenID Connect identity provider for `aila dev`. Refuses to start in production.
 * Browserless sign-in for integration tests lives in `./test-login.js`.
 */
export type { DevIdpClient } from './configuration.js';
export { assertDevelopmentEnvironment, type DevIdp, type DevIdpOptions, startDevIdp } from './dev-idp.js';
export { DEFAULT_DEV_USERS, type DevUser } from './users.js';
