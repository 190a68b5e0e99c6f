// One vitest run for the whole workspace: each app, lib and e2e folder is a project.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: ['apps/*', 'libs/*', 'e2e'],
  },
});
