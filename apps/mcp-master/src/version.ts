// The master's version: set by the bundler from package.json; a marker when run unbundled (tests).
declare const MCP_VERSION: string | undefined;

export const masterVersion: string = typeof MCP_VERSION === 'string' ? MCP_VERSION : '0.0.0-dev';
