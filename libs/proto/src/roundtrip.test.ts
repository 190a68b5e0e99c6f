// A ServiceSpec with every field set survives binary and JSON round trips unchanged.
import { describe, expect, it } from 'vitest';
import {
  create,
  equals,
  fromBinary,
  fromJson,
  isFieldSet,
  toBinary,
  toJson,
  type DescMessage,
  type Message,
} from '@bufbuild/protobuf';
import { ServiceSpecSchema, type ServiceSpec } from './index.js';

function fullSpec(): ServiceSpec {
  return create(ServiceSpecSchema, {
    name: 'mcq',
    active: true,
    comment: 'message queue',
    tier: 'worker',
    node: 'orion',
    path: 'apps/mcq',
    buildImages: { 'mcr.example.net:8443/mcq': 'Dockerfile', 'mcr.example.net:8443/mcq-vm': 'vm/Dockerfile' },
    snapshot: { method: 'exec: /usr/local/bin/backup.sh', excludes: ['layers/', 'uploads/'] },
    components: [
      {
        name: 'api',
        image: 'mcr.example.net:8443/mcq:v0.4.0',
        network: 'mcpnet',
        user: '1000:1000',
        restart: 'unless-stopped',
        ports: ['127.0.0.1:9000:9000/tcp'],
        volumes: ['/srv/mcq:/srv/mcq:Z'],
        cmd: ['server', '--config', '/srv/mcq/mcq.toml'],
        routes: [{ name: 'public', port: 8443, mode: 'l7', hostname: 'mcq.example.net', public: true }],
        env: ['LOG_LEVEL=debug', 'EMPTY='],
        runtime: 'unikernel',
        memoryMb: 512,
        vcpus: 2,
      },
    ],
  });
}

/** Lists every field of msg (recursively through messages and lists of messages) that is not set. */
function unsetFields(schema: DescMessage, msg: Message, at: string): string[] {
  const missing: string[] = [];
  for (const field of schema.fields) {
    const path = `${at}.${field.localName}`;
    if (!isFieldSet(msg, field)) {
      missing.push(path);
      continue;
    }
    const value = (msg as unknown as Record<string, unknown>)[field.localName];
    if (field.fieldKind === 'message') {
      missing.push(...unsetFields(field.message, value as Message, path));
    } else if (field.fieldKind === 'list' && field.listKind === 'message') {
      for (const [i, item] of (value as Message[]).entries()) {
        missing.push(...unsetFields(field.message, item, `${path}[${i}]`));
      }
    }
  }
  return missing;
}

describe('ServiceSpec round trip', () => {
  it('uses a spec with every field set, nested messages included', () => {
    expect(unsetFields(ServiceSpecSchema, fullSpec(), 'spec')).toEqual([]);
  });

  it('survives toBinary/fromBinary', () => {
    const spec = fullSpec();
    const back = fromBinary(ServiceSpecSchema, toBinary(ServiceSpecSchema, spec));
    expect(equals(ServiceSpecSchema, back, spec)).toBe(true);
    expect(back).toEqual(spec);
  });

  it('survives toJson/fromJson', () => {
    const spec = fullSpec();
    const back = fromJson(ServiceSpecSchema, toJson(ServiceSpecSchema, spec));
    expect(equals(ServiceSpecSchema, back, spec)).toBe(true);
    expect(back).toEqual(spec);
  });

  it('writes JSON with the proto field names in lowerCamelCase', () => {
    const json = toJson(ServiceSpecSchema, fullSpec()) as Record<string, unknown>;
    expect(Object.keys(json).sort()).toEqual(
      ['active', 'buildImages', 'comment', 'components', 'name', 'node', 'path', 'snapshot', 'tier'].sort(),
    );
  });
});
