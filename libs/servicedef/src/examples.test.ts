import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadDefinitionDir, loadDefinitionFile } from './load.js';

const examples = fileURLToPath(new URL('../../../examples/services/', import.meta.url));

describe('examples/services', () => {
  it('holds only definitions that parse without a problem', async () => {
    const results = await loadDefinitionDir(examples);
    expect(results.flatMap((result) => (result.ok ? [] : result.problems.map((problem) => problem.message)))).toStrictEqual([]);
    expect(results.length).toBeGreaterThanOrEqual(4);
  });

  it('runs busybox httpd on $PORT behind one route in hello.toml', async () => {
    const result = await loadDefinitionFile(`${examples}hello.toml`);
    expect(result.ok && result.definition.components[0]).toMatchObject({
      image: 'localhost/mcp-busybox:test',
      cmd: ['sh', '-c', 'exec httpd -f -v -p $PORT -h /www'],
      routes: [{ port: 8443 }],
    });
  });

  it('covers core tier, unikernel, public l7 routes, snapshot and build images', async () => {
    const definitions = (await loadDefinitionDir(examples)).flatMap((result) => (result.ok ? [result.definition] : []));
    const components = definitions.flatMap((definition) => definition.components);
    const routes = components.flatMap((component) => component.routes);
    expect({
      core: definitions.some((definition) => definition.tier === 'core'),
      unikernel: components.some((component) => component.runtime === 'unikernel' && component.memoryMb !== undefined),
      publicL7: routes.some((route) => route.public && route.mode === 'l7'),
      l4: routes.some((route) => route.mode === 'l4'),
      snapshot: definitions.some((definition) => definition.snapshot.method !== ''),
      buildImages: definitions.some((definition) => Object.keys(definition.buildImages).length > 0),
    }).toStrictEqual({ core: true, unikernel: true, publicL7: true, l4: true, snapshot: true, buildImages: true });
  });
});
