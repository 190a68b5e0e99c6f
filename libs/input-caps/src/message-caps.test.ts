import { create, ScalarType, type DescMessage } from '@bufbuild/protobuf';
import { ComponentSpecSchema, McpAgentService, McpMasterService, PushFileStreamRequestSchema, ServiceSpecSchema, SyncRequestSchema } from '@mcp/proto';
import { describe, expect, it } from 'vitest';
import { WIRE_CAPS } from './caps.js';
import { findCapBreach } from './message-caps.js';

const caps = WIRE_CAPS;

function spec(component: Parameters<typeof create<typeof ComponentSpecSchema>>[1] = {}) {
  return create(ServiceSpecSchema, { name: 'web', components: [create(ComponentSpecSchema, { name: 'a', image: 'localhost/a:1' }), create(ComponentSpecSchema, { name: 'b', ...component })] });
}

describe('findCapBreach', () => {
  it('admits a definition within every cap', () => {
    expect(findCapBreach(ServiceSpecSchema, spec({ ports: Array.from({ length: 1024 }, (_, i) => `127.0.0.1:${i + 1}:80`) }), { path: 'service', caps })).toBeUndefined();
  });

  it('refuses 40,000 ports by the length of the list, naming the field and the cap', () => {
    const ports = Array.from({ length: 40_000 }, (_, i) => `127.0.0.1:${(i % 65535) + 1}:80`);
    expect(findCapBreach(ServiceSpecSchema, spec({ ports }), { path: 'service', caps })).toEqual({
      field: 'service.components[1].ports',
      message: 'service.components[1].ports: 40000 entries; expected at most 1024 (the cap on mcp.v1.ComponentSpec.ports)',
    });
  });

  it('refuses a string over its cap, and uses the larger cap of env entries', () => {
    expect(findCapBreach(ServiceSpecSchema, spec({ image: 'x'.repeat(4097) }), { caps })?.message).toBe(
      'components[1].image: 4097 characters; expected at most 4096 (the cap on mcp.v1.ComponentSpec.image)',
    );
    expect(findCapBreach(ServiceSpecSchema, spec({ env: [`A=${'x'.repeat(10_000)}`] }), { caps })).toBeUndefined();
    expect(findCapBreach(ServiceSpecSchema, spec({ env: ['A=1', `B=${'x'.repeat(16_383)}`] }), { caps })?.field).toBe('components[1].env[1]');
  });

  it('caps lists of messages and maps, and their keys', () => {
    const components = Array.from({ length: 65 }, (_, i) => create(ComponentSpecSchema, { name: `c${i}` }));
    expect(findCapBreach(ServiceSpecSchema, create(ServiceSpecSchema, { components }), { caps })?.message).toBe(
      'components: 65 entries; expected at most 64 (the cap on mcp.v1.ServiceSpec.components)',
    );
    const buildImages = Object.fromEntries(Array.from({ length: 65 }, (_, i) => [`r${i}`, 'Dockerfile']));
    expect(findCapBreach(ServiceSpecSchema, create(ServiceSpecSchema, { buildImages }), { caps })?.field).toBe('build_images');
    expect(findCapBreach(ServiceSpecSchema, create(ServiceSpecSchema, { buildImages: { ['k'.repeat(5000)]: 'D' } }), { caps })?.field).toBe('build_images key');
  });

  it('looks into the chosen member of a oneof', () => {
    const request = create(PushFileStreamRequestSchema, { frame: { case: 'header', value: { service: 'web', path: 'p'.repeat(5000) } } });
    expect(findCapBreach(PushFileStreamRequestSchema, request, { caps })?.field).toBe('header.path');
  });

  it('names the request field of a definition inside a list of them', () => {
    const request = create(SyncRequestSchema, { services: [spec(), spec({ cmd: ['x'.repeat(20_000)] })] });
    expect(findCapBreach(SyncRequestSchema, request, { caps })?.field).toBe('services[1].components[1].cmd[0]');
  });

  // Generated from the contract, so that a field added to any request is capped without a change here.
  const requests: DescMessage[] = [...McpAgentService.methods, ...McpMasterService.methods].map((method) => method.input);
  it.each(requests.flatMap((schema) => schema.fields.filter((field) => field.oneof === undefined).map((field) => [`${schema.typeName}.${field.name}`, schema, field] as const)))(
    'caps %s when it is a string or a list',
    (_name, schema, field) => {
      const over = WIRE_CAPS.listItems + 1;
      let value: unknown;
      if (field.fieldKind === 'scalar' && field.scalar === ScalarType.STRING) value = 'x'.repeat(WIRE_CAPS.stringChars + 1);
      else if (field.fieldKind === 'list' && field.listKind === 'scalar' && field.scalar === ScalarType.STRING) value = Array.from({ length: over }, () => 'x');
      else if (field.fieldKind === 'list' && field.listKind === 'message') value = Array.from({ length: over }, () => create(field.message));
      else return;
      const message = create(schema, { [field.localName]: value } as never);
      expect(findCapBreach(schema, message, { caps })?.field).toBe(field.name);
    },
  );
});
