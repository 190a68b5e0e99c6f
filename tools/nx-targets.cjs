// Infers every project's targets (build, typecheck, lint, test) once, from where it sits:
// each project under apps/ or libs/ gets the same targets, so none is declared per project.
'use strict';
const { dirname } = require('node:path');
const { readFileSync, existsSync } = require('node:fs');
const { join } = require('node:path');

function targetsFor(root, workspaceRoot) {
  const pkg = JSON.parse(readFileSync(join(workspaceRoot, root, 'package.json'), 'utf8'));
  const isApp = root.startsWith('apps/');
  const targets = {
    typecheck: { command: 'tsc -p tsconfig.json --noEmit', options: { cwd: root } },
    lint: { command: 'eslint --max-warnings=0 .', options: { cwd: root } },
    test: {
      command: `vitest run --project ${pkg.name}`,
      options: { cwd: '{workspaceRoot}' },
    },
  };
  if (isApp) {
    targets.build = {
      command: `node scripts/build-app.mjs ${root}`,
      options: { cwd: '{workspaceRoot}' },
      outputs: [`{workspaceRoot}/${root}/dist`],
    };
  } else if (existsSync(join(workspaceRoot, root, 'buf.gen.yaml'))) {
    targets.build = {
      command: 'bash scripts/generate-proto.sh',
      options: { cwd: '{workspaceRoot}' },
      inputs: ['{workspaceRoot}/proto/**/*', '{workspaceRoot}/buf.yaml', `{workspaceRoot}/${root}/buf.gen.yaml`],
      outputs: [`{workspaceRoot}/${root}/src/gen`],
    };
  }
  return targets;
}

module.exports.createNodesV2 = [
  '{apps,libs}/*/package.json',
  (files, _options, context) =>
    files.map((file) => {
      const root = dirname(file);
      return [file, { projects: { [root]: { targets: targetsFor(root, context.workspaceRoot) } } }];
    }),
];
