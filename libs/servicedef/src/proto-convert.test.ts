import { create } from '@bufbuild/protobuf';
import { ComponentSpecSchema, RouteSpecSchema, ServiceSpecSchema } from '@mcp/proto';
import { describe, expect, it } from 'vitest';
import { definitionFromProto, definitionToProto } from './proto-convert.js';

describe('definitionFromProto', () => {
  it('applies the file defaults to empty proto fields', () => {
    const spec = create(ServiceSpecSchema, {
      name: 'svc',
      components: [create(ComponentSpecSchema, { name: 'web', image: 'a:1', routes: [create(RouteSpecSchema, { port: 443 })] })],
    });
    expect(definitionFromProto(spec)).toStrictEqual({
      name: 'svc', active: false, tier: 'worker', buildImages: {}, snapshot: { method: '', exclude: [] },
      components: [{ name: 'web', image: 'a:1', runtime: 'container', vcpus: 1, ports: [], volumes: [], env: [], routes: [{ name: '', port: 443, mode: 'l4', public: false }] }],
    });
  });

  it('keeps tier unset for a service pinned to a node', () => {
    expect('tier' in definitionFromProto(create(ServiceSpecSchema, { name: 'svc', node: 'rift' }))).toBe(false);
  });
});

describe('definitionToProto', () => {
  it('fills the wire fields, snapshot excludes and build images included', () => {
    const spec = definitionToProto({
      name: 'svc', active: true, tier: 'core', path: 'src/svc', buildImages: { svc: 'Dockerfile' }, snapshot: { method: 'full', exclude: ['tmp'] },
      components: [{ name: 'vm', image: 'svc:1', runtime: 'unikernel', memoryMb: 64, vcpus: 2, ports: [], volumes: [], env: [], routes: [] }],
    });
    expect(spec).toMatchObject({
      name: 'svc', active: true, tier: 'core', node: '', path: 'src/svc', buildImages: { svc: 'Dockerfile' }, snapshot: { method: 'full', excludes: ['tmp'] },
      components: [{ runtime: 'unikernel', memoryMb: 64, vcpus: 2, network: '' }],
    });
  });
});
