import { create } from '@bufbuild/protobuf';
import { ComponentSpecSchema, ServiceSpecSchema } from '@mcp/proto';
import { describe, expect, it } from 'vitest';
import { MAX_DEFINITION_CHARS } from './definition-caps.js';
import { parseDefinition } from './parse.js';
import { definitionFromRequest } from './request-spec.js';

const head = 'name = "web"\n\n[[components]]\nname = "app"\nimage = "localhost/web:v1"\n';
const manyPorts = (count: number): string[] => Array.from({ length: count }, (_, i) => `127.0.0.1:${(i % 65535) + 1}:80`);

function problemsOf(text: string) {
  const result = parseDefinition(text, 'web.toml');
  return result.ok ? [] : result.problems.map((problem) => problem.message);
}

describe('caps on a definition file', () => {
  it('refuses 40,000 ports by the cap on the list, with that one problem and no rule run', () => {
    expect(problemsOf(`${head}ports = ${JSON.stringify(manyPorts(40_000))}\n`)).toEqual([
      'web.toml: components[0].ports: found 40000 entries; expected at most 1024 entries',
    ]);
  });

  it('admits 1,024 ports and then applies the rules (here: every port published once)', () => {
    const ports = [...manyPorts(1023), '127.0.0.1:1:81'];
    expect(problemsOf(`${head}ports = ${JSON.stringify(ports)}\n`)).toEqual([
      'web.toml: components[0].ports[1023]: found "127.0.0.1:1:81", whose host port is already published by components[0].ports[0]; expected each host port published once per service (line 6)',
    ]);
  });

  it('refuses more than 64 components, a string over 4096 characters and a table of too many keys', () => {
    const components = Array.from({ length: 65 }, (_, i) => `[[components]]\nname = "c${i}"\nimage = "localhost/c:1"\n`).join('');
    expect(problemsOf(`name = "web"\n${components}`)).toEqual(['web.toml: components: found 65 entries; expected at most 64 entries']);
    expect(problemsOf(`${head}cmd = ["${'x'.repeat(16_385)}"]\n`)).toEqual(['web.toml: components[0].cmd[0]: found a string of 16385 characters; expected at most 16384 characters']);
    expect(problemsOf(`name = "web"\ncomment = "${'x'.repeat(4097)}"\n`)).toEqual(['web.toml: comment: found a string of 4097 characters; expected at most 4096 characters']);
    const images = Array.from({ length: 65 }, (_, i) => `"r${i}" = "Dockerfile"`).join('\n');
    expect(problemsOf(`${head}[build.images]\n${images}\n`)).toEqual(['web.toml: build.images: found a table of 65 keys; expected at most 64 keys']);
  });

  it('refuses a text longer than the largest definition before parsing it', () => {
    expect(problemsOf(`# ${'x'.repeat(MAX_DEFINITION_CHARS)}\n${head}`)).toEqual([
      `web.toml: found ${MAX_DEFINITION_CHARS + 3 + head.length} characters; expected a definition of at most ${MAX_DEFINITION_CHARS} characters`,
    ]);
  });
});

describe('caps on a definition in a request', () => {
  it('refuses 40,000 ports by the cap, naming the request field', () => {
    const spec = create(ServiceSpecSchema, {
      name: 'web',
      active: true,
      tier: 'worker',
      components: [create(ComponentSpecSchema, { name: 'app', image: 'localhost/web:v1', runtime: 'container', vcpus: 1, ports: manyPorts(40_000) })],
    });
    expect(definitionFromRequest(spec, 'service')).toEqual({
      ok: false,
      problems: [{ field: 'service.components[0].ports', message: 'service.components[0].ports: 40000 entries; expected at most 1024 (the cap on mcp.v1.ComponentSpec.ports)' }],
    });
  });
});
