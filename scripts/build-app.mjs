// Bundles one app (apps/<name>/src/main.ts) with its workspace libs into apps/<name>/dist/main.js.
// Native packages stay external: they are the app's own dependencies and load from node_modules.
// Code behind a dynamic import() goes into dist/chunks/ and loads only when reached (the CLI loads one command).
import { build } from 'esbuild';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const root = process.argv[2];
if (!root) {
  console.error('usage: node scripts/build-app.mjs apps/<name>');
  process.exit(2);
}
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const native = ['better-sqlite3'];

rmSync(join(root, 'dist/chunks'), { recursive: true, force: true });
await build({
  entryPoints: [join(root, 'src/main.ts')],
  outdir: join(root, 'dist'),
  entryNames: '[name]',
  chunkNames: 'chunks/[name]-[hash]',
  splitting: true,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  sourcemap: true,
  external: native.filter((name) => name in (pkg.dependencies ?? {})),
  define: { MCP_VERSION: JSON.stringify(pkg.version) },
  banner: {
    // Bundled CommonJS dependencies call require(); give them one in this ES module.
    js: "import { createRequire as __mcpCreateRequire } from 'node:module'; const require = __mcpCreateRequire(import.meta.url);",
  },
  logLevel: 'warning',
});
