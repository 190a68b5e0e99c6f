// Infers every project's targets (build, typecheck, lint, test) once, from where it sits:
// each project under apps/, libs/ or e2e/ that has TypeScript sources gets the same targets,
// so none is declared per project. A project without sources yet has no targets.
'use strict';
const { dirname, join } = require('node:path');
const { readFileSync, existsSync, readdirSync } = require('node:fs');

function hasTypeScript(dir) {
  if (!existsSync(dir)) return false;
  return readdirSync(dir, { recursive: true }).some(
    (entry) => String(entry).endsWith('.ts') && !String(entry).includes('node_modules'),
  );
}

function targetsFor(root, workspaceRoot) {
  const abs = join(workspaceRoot, root);
  const pkg = JSON.parse(readFileSync(join(abs, 'package.json'), 'utf8'));
  const sources = root === 'e2e' ? abs : join(abs, 'src');
  if (!hasTypeScript(sources)) return {};
  const targets = {
    typecheck: { command: 'tsc -p tsconfig.json --noEmit', options: { cwd: root }, dependsOn: ['^build'] },
    lint: { command: 'eslint --max-warnings=0 .', options: { cwd: root }, dependsOn: ['^build'] },
    test: {
      command: `vitest run --project ${pkg.name}`,
      options: { cwd: '{workspaceRoot}' },
      dependsOn: ['^build'],
    },
  };
  if (root.startsWith('apps/') && existsSync(join(abs, 'src/main.ts'))) {
    targets.build = {
      command: `node scripts/build-app.mjs ${root}`,
      options: { cwd: '{workspaceRoot}' },
      outputs: [`{workspaceRoot}/${root}/dist`],
    };
  } else if (existsSync(join(abs, 'buf.gen.yaml'))) {
    targets.build = {
      command: 'bash scripts/generate-proto.sh',
      options: { cwd: '{workspaceRoot}' },
      inputs: ['{workspaceRoot}/proto/**/*', '{workspaceRoot}/buf.yaml', `{projectRoot}/buf.gen.yaml`],
      outputs: ['{projectRoot}/src/gen'],
    };
    // Generation rewrites src/gen: checks of this project wait for it rather than read a half-written tree.
    for (const name of ['typecheck', 'lint', 'test']) targets[name].dependsOn = ['^build', 'build'];
  }
  return targets;
}

module.exports.createNodesV2 = [
  '{apps/*,libs/*,e2e}/package.json',
  (files, _options, context) =>
    files.map((file) => {
      const root = dirname(file);
      return [file, { projects: { [root]: { targets: targetsFor(root, context.workspaceRoot) } } }];
    }),
];
