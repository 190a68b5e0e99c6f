// Public surface of @mcp/config: schema-driven TOML config with environment overrides for the apps.
export { boolean, integer, optionalString, path, resolvePath, string, stringList, tables } from './fields.js';
export type { Field, FieldContext, Parsed, Schema, TableList } from './fields.js';
export { loadConfigFile, parseConfig } from './load.js';
export type { ConfigOf, LoadOptions, ParseOptions, ParsedConfig } from './load.js';
export { describeSchema } from './describe-schema.js';
export { ConfigError, problem as configProblem, type ConfigProblem, type ConfigWarning } from './errors.js';
export { withEnvPrefix } from './env-names.js';
export { inetAtonAddress, isWildcardHost, parseListenAddress } from './listen-address.js';
export type { ListenAddress, ListenAddressCheck } from './listen-address.js';
export { configPathFromArgs } from './config-flag.js';
