// Vitest settings for @mcp/mcp-master: tests make CAs with openssl and start the daemon as a process.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: { name: '@mcp/mcp-master', testTimeout: 30_000, hookTimeout: 30_000 },
});
