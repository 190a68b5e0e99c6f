// The CLI's version: stamped into the bundle by scripts/build-app.mjs, "dev" when run from source.

// Defined by esbuild's `define` at build time; absent (typeof 'undefined') under vitest or tsx.
declare const MCP_VERSION: string | undefined;

export const cliVersion: string = typeof MCP_VERSION === 'string' ? MCP_VERSION : 'dev';
