export type { ConfigProblem } from './env-overrides.js';
export type { Runtime } from './loader.js';
export {
  CONFIG_LEAVES,
  ConfigError,
  loadConfig,
  loadProcessConfig,
  redactConfig,
  secretFilesOf,
} from './loader.js';
export type { SecretReferenceResolver } from './references.js';
export type { Config } from './schema.js';
export { ConfigSchema } from './schema.js';
