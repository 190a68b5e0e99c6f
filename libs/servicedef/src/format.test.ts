import { describe, expect, it } from 'vitest';
import { formatDefinition, tomlString } from './format.js';

describe('formatDefinition', () => {
  it('writes a canonical file: service keys, build images, snapshot, then components and routes', () => {
    const text = formatDefinition({
      name: 'notes', active: false, tier: 'worker', buildImages: { 'localhost/notes': 'Dockerfile' }, snapshot: { method: 'grpc', exclude: ['cache'] },
      components: [{
        name: 'api', image: 'localhost/notes:1', runtime: 'container', vcpus: 1, ports: [], volumes: ['/srv/notes:/data'], env: [], cmd: ['serve'],
        routes: [{ name: '', port: 443, mode: 'l7', hostname: 'notes.example.org', public: true }],
      }],
    });
    expect(text).toBe([
      'name = "notes"', 'active = false', 'tier = "worker"', '', '[build.images]', '"localhost/notes" = "Dockerfile"', '', '[snapshot]', 'method = "grpc"',
      'exclude = ["cache"]', '', '[[components]]', 'name = "api"', 'image = "localhost/notes:1"', 'volumes = ["/srv/notes:/data"]', 'cmd = ["serve"]', '',
      '[[components.routes]]', 'port = 443', 'mode = "l7"', 'hostname = "notes.example.org"', 'public = true', '',
    ].join('\n'));
  });

  it('writes runtime, memory and vcpus for a unikernel', () => {
    const text = formatDefinition({
      name: 'vm', active: true, node: 'n1', buildImages: {}, snapshot: { method: '', exclude: [] },
      components: [{ name: 'vm', image: 'a:1', runtime: 'unikernel', memoryMb: 128, vcpus: 2, ports: [], volumes: [], env: [], routes: [] }],
    });
    expect(text).toContain('node = "n1"\n\n[[components]]\nname = "vm"\nimage = "a:1"\nruntime = "unikernel"\nmemory = 128\nvcpus = 2\n');
  });
});

describe('tomlString', () => {
  it('escapes quotes, backslashes and control characters', () => {
    expect(tomlString('a"b\\c\nd\u0000\u007f')).toBe('"a\\"b\\\\c\\nd\\u0000\\u007f"');
  });

  it('keeps other characters as they are', () => {
    expect(tomlString("é😀 '#")).toBe("\"é😀 '#\"");
  });
});
