import { describe, expect, it } from 'vitest';
import { parseDefinition } from './parse.js';
import type { ServiceDefinition } from './types.js';

const ok = (text: string, file = 'svc.toml'): ServiceDefinition => {
  const result = parseDefinition(text, file);
  if (!result.ok) throw new Error(result.problems.map((problem) => problem.message).join('\n'));
  return result.definition;
};

const MINIMAL = 'name = "svc"\n[[components]]\nname = "web"\nimage = "localhost/web:1.0"\n';

describe('parseDefinition on valid files', () => {
  it('applies the defaults to a minimal file', () => {
    expect(ok(MINIMAL)).toStrictEqual({
      name: 'svc', active: true, tier: 'worker', buildImages: {}, snapshot: { method: '', exclude: [] },
      components: [{ name: 'web', image: 'localhost/web:1.0', runtime: 'container', vcpus: 1, ports: [], volumes: [], env: [], routes: [] }],
    });
  });

  it('leaves tier unset when the service is pinned to a node', () => {
    const definition = ok(MINIMAL.replace('name = "svc"', 'name = "svc"\nnode = "rift"'));
    expect(definition.node).toBe('rift');
    expect('tier' in definition).toBe(false);
  });

  it('accepts [snapshot] method "grpc" with a warning that no call is defined for it, and only then', () => {
    const result = parseDefinition(`${MINIMAL}[snapshot]\nmethod = "grpc"\n`, 'svc.toml');
    expect(result).toMatchObject({ ok: true, definition: { snapshot: { method: 'grpc', exclude: [] } } });
    expect(result.ok ? result.warnings?.map((warning) => warning.message) : []).toEqual([
      expect.stringMatching(/^svc\.toml: snapshot\.method: "grpc" names no call MCP can make .*a snapshot of the service while it runs fails; migrate .* unaffected; "cli" or "exec: <command>"/),
    ]);
    const cli = parseDefinition(`${MINIMAL}[snapshot]\nmethod = "cli"\n`, 'svc.toml');
    expect(cli.ok && cli.warnings).toBeFalsy();
  });

  it('treats an empty cmd as the image default', () => {
    expect('cmd' in (ok(`${MINIMAL}cmd = []\n`).components[0] ?? {})).toBe(false);
  });

  it('drops an empty comment', () => {
    expect('comment' in ok(MINIMAL.replace('name = "svc"', 'name = "svc"\ncomment = ""'))).toBe(false);
  });

  it('gives routes their defaults', () => {
    const route = ok(`${MINIMAL}[[components.routes]]\nport = 443\n`).components[0]?.routes[0];
    expect(route).toStrictEqual({ name: '', port: 443, mode: 'l4', public: false });
  });

  it('reads a SPEC-style file with both quote styles, routes, snapshot and build images', () => {
    const definition = ok(
      [
        "name = 'metacrypt'", 'active = false', 'tier = "core"', 'path = "metacrypt"', "comment = 'PKI'",
        '[build.images]', "metacrypt = 'Dockerfile.api'", '[snapshot]', 'method = "exec: metacrypt snapshot"', "exclude = ['backups']",
        '[[components]]', 'name = "api"', 'image = "mcr.svc.mcp.metacircular.net:8443/metacrypt:v1.0.0"', 'network = "mcpnet"', "user = '0:0'",
        'restart = "unless-stopped"', 'ports = ["127.0.0.1:18443:8443"]', "volumes = ['/srv/metacrypt:/srv/metacrypt']",
        'cmd = ["server", "--config", "/srv/metacrypt/metacrypt.toml"]', 'env = ["LOG=debug"]',
        '[[components.routes]]', 'name = "rest"', 'port = 8443', "mode = 'l4'",
        '[[components.routes]]', "name = 'web'", 'port = 443', 'mode = "l7"', 'hostname = "pki.example.org"', 'public = true',
      ].join('\n'),
      '/home/op/.config/mcp/services/metacrypt.toml',
    );
    expect(definition).toMatchObject({
      name: 'metacrypt', active: false, tier: 'core', path: 'metacrypt', comment: 'PKI', buildImages: { metacrypt: 'Dockerfile.api' },
      snapshot: { method: 'exec: metacrypt snapshot', exclude: ['backups'] },
    });
    expect(definition.components[0]?.routes).toStrictEqual([
      { name: 'rest', port: 8443, mode: 'l4', public: false },
      { name: 'web', port: 443, mode: 'l7', hostname: 'pki.example.org', public: true },
    ]);
  });

  it('reads a unikernel component with its size', () => {
    const text = 'name = "svc"\n[[components]]\nname = "vm"\nruntime = "unikernel"\nimage = "localhost/vm:1"\nmemory = 256\nvcpus = 2\n';
    expect(ok(text).components[0]).toMatchObject({ runtime: 'unikernel', memoryMb: 256, vcpus: 2 });
  });

  it('accepts components written as inline tables', () => {
    const text = 'name = "svc"\ncomponents = [{ name = "web", image = "localhost/web:1", routes = [{ port = 443 }] }]\n';
    expect(ok(text).components[0]?.routes[0]?.port).toBe(443);
  });

  it('accepts an image pinned by digest only', () => {
    expect(ok(MINIMAL.replace('localhost/web:1.0', `localhost/web@sha256:${'a'.repeat(64)}`)).components[0]?.image).toContain('@sha256:');
  });

  it('accepts a file with a byte-order mark and CRLF line endings', () => {
    expect(ok(`\uFEFF${MINIMAL.replaceAll('\n', '\r\n')}`).name).toBe('svc');
  });

  it('accepts a route on one port for two different hostnames', () => {
    const text = `${MINIMAL}[[components.routes]]\nname = "a"\nport = 443\n[[components.routes]]\nname = "b"\nport = 443\nhostname = "b.example.org"\n`;
    expect(ok(text).components[0]?.routes).toHaveLength(2);
  });
});

describe('parseDefinition on invalid files', () => {
  it('reports every problem of a file at once, in file order', () => {
    const text = 'name = "svc"\nactive = "yes"\n[[components]]\nname = "Web"\nimage = "busybox"\n[[components.routes]]\nport = "443"\nmode = "l9"\n';
    const result = parseDefinition(text, 'svc.toml');
    expect(result.ok ? [] : result.problems.map((problem) => [problem.keyPath, problem.line])).toStrictEqual([
      ['active', 2], ['components[0].name', 4], ['components[0].image', 5], ['components[0].routes[0].port', 7], ['components[0].routes[0].mode', 8],
    ]);
  });

  it('writes the message as file, key path, problem, expectation and line', () => {
    const result = parseDefinition('name = "svc"\nactive = "yes"\n[[components]]\nname = "web"\nimage = "a:1"\n', 'svc.toml');
    expect(result.ok ? '' : result.problems[0]?.message).toBe('svc.toml: active: found string "yes"; expected true or false (line 2)');
  });

  it('points a missing key at the table that lacks it', () => {
    const result = parseDefinition('name = "svc"\n\n[[components]]\nname = "web"\n', 'svc.toml');
    expect(result.ok ? undefined : result.problems[0]).toMatchObject({ keyPath: 'components[0].image', line: 3 });
  });

  it('finds the line of keys written with quotes or as dotted keys', () => {
    const text = 'name = "svc"\n"tier" = "x"\nbuild.images.other = "Dockerfile"\n[[components]]\nname = "web"\nimage = "a:1"\n';
    const result = parseDefinition(text, 'svc.toml');
    expect(result.ok ? [] : result.problems.map((problem) => [problem.keyPath, problem.line])).toStrictEqual([['tier', 2], ['build.images.other', 3]]);
  });

  it('does not mistake text inside a multi-line string for a key when finding lines', () => {
    const text = 'name = "svc"\ncomment = """\nmode = "l9"\n"""\n[[components]]\nname = "web"\nimage = "a:1"\n[[components.routes]]\nport = 1\nmode = "l9"\n';
    const result = parseDefinition(text, 'svc.toml');
    expect(result.ok ? undefined : result.problems[0]).toMatchObject({ keyPath: 'components[0].routes[0].mode', line: 10 });
  });
});
