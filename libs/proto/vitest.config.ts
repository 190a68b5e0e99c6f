// Vitest settings for @mcp/proto: the script tests run buf and protoc-gen-es, which take a few seconds.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: { name: '@mcp/proto', testTimeout: 60_000, hookTimeout: 60_000 },
});
