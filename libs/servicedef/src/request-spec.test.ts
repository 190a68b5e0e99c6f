import { create } from '@bufbuild/protobuf';
import { ComponentSpecSchema, ServiceSpecSchema } from '@mcp/proto';
import { describe, expect, it } from 'vitest';
import { definitionFromRequest } from './request-spec.js';

describe('definitionFromRequest', () => {
  it('accepts a valid spec and returns its definition', () => {
    const spec = create(ServiceSpecSchema, {
      name: 'web',
      active: true,
      tier: 'worker',
      components: [create(ComponentSpecSchema, { name: 'app', image: 'localhost/web:v1', runtime: 'container', vcpus: 1 })],
    });
    const checked = definitionFromRequest(spec, 'service');
    expect(checked.ok && checked.definition.name).toBe('web');
  });

  it('names every problem by its request field, with proto field names', () => {
    const spec = create(ServiceSpecSchema, {
      name: 'web',
      active: true,
      tier: 'worker',
      components: [create(ComponentSpecSchema, { name: 'vm', image: 'localhost/vm:v1', runtime: 'unikernel', vcpus: 1 })],
    });
    const checked = definitionFromRequest(spec, 'services[2]');
    expect(checked.ok).toBe(false);
    const fields = checked.ok ? [] : checked.problems.map((problem) => problem.field);
    expect(fields).toContain('services[2].components[0].memory_mb');
    if (!checked.ok) for (const problem of checked.problems) expect(problem.message.startsWith(`${problem.field}: `)).toBe(true);
  });
});
