// End-to-end scenarios drive built programs and real processes: they get longer timeouts.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: { name: '@mcp/e2e', testTimeout: 120_000, hookTimeout: 180_000 },
});
