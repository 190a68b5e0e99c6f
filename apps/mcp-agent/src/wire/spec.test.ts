import { create, type MessageInitShape } from '@bufbuild/protobuf';
import { ResultStatus, ServiceSpecSchema, type ServiceSpec as ProtoServiceSpec } from '@mcp/proto';
import { definitionToProto, parseDefinition } from '@mcp/servicedef';
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../errors.js';
import {
  InvalidServiceSpecError,
  componentResult,
  routeBinding,
  serviceSpecFromProto,
  serviceSpecToProto,
  stepFailed,
  stepOk,
  stepSkipped,
} from './spec.js';

function spec(overrides: MessageInitShape<typeof ServiceSpecSchema> = {}): ProtoServiceSpec {
  return create(ServiceSpecSchema, {
    name: 'web',
    active: true,
    components: [{ name: 'app', image: 'localhost/app:1.0', routes: [{ name: 'http', port: 8443 }] }],
    ...overrides,
  });
}

function invalid(input: ProtoServiceSpec | undefined, field?: string): InvalidServiceSpecError {
  try {
    serviceSpecFromProto(input, field);
  } catch (error) {
    if (error instanceof InvalidServiceSpecError) return error;
    throw error;
  }
  throw new Error('expected the spec to be refused');
}

describe('service spec from the wire', () => {
  it('applies the definition defaults (runtime, mode, tier, vcpus)', () => {
    expect(serviceSpecFromProto(spec())).toEqual({
      name: 'web',
      active: true,
      tier: 'worker',
      snapshot: { method: '', exclude: [] },
      components: [
        {
          name: 'app',
          image: 'localhost/app:1.0',
          runtime: 'container',
          vcpus: 1,
          ports: [],
          volumes: [],
          env: [],
          routes: [{ name: 'http', port: 8443, mode: 'l4', public: false }],
        },
      ],
    });
  });

  it('names the request field of a bad image, with what was expected', () => {
    const error = invalid(spec({ components: [{ name: 'app', image: 'busybox' }] }));
    expect(error.field).toBe('service.components[0].image');
    expect(error.message).toBe(
      'service.components[0].image: found "busybox", which has no tag; expected a full image reference with an explicit tag (or digest), e.g. "registry.example/app:1.2.3"',
    );
  });

  it('reports every problem at once, one line each', () => {
    const error = invalid(spec({ name: 'Web', components: [{ name: 'app', image: 'localhost/app:1', routes: [{ port: 0, mode: 'l9' }] }] }));
    expect(error.problems.map((problem) => problem.field)).toEqual([
      'service.name',
      'service.components[0].routes[0].port',
      'service.components[0].routes[0].mode',
    ]);
    expect(error.message.split('\n')).toHaveLength(3);
  });

  it('uses proto field names where the file keys differ', () => {
    const error = invalid(spec({ components: [{ name: 'app', image: 'localhost/app:1', memoryMb: 64 }] }));
    expect(error.field).toBe('service.components[0].memory_mb');
  });

  it('prefixes the field it was given (one definition among several)', () => {
    expect(invalid(create(ServiceSpecSchema, { name: 'web' }), 'services[3]').field).toBe('services[3].components');
  });

  it('refuses a missing definition as InvalidArgument naming the field', () => {
    expect(() => serviceSpecFromProto(undefined)).toThrow(InvalidArgumentError);
    expect(() => serviceSpecFromProto(undefined)).toThrow(/^service: missing; expected a service definition$/);
  });

  it('refuses what a file would refuse: $PORT set by hand on a one-route component', () => {
    const error = invalid(spec({ components: [{ name: 'app', image: 'localhost/app:1', env: ['PORT=1'], routes: [{ port: 8443 }] }] }));
    expect(error.field).toBe('service.components[0].env[0]');
  });
});

describe('service spec to the wire', () => {
  it('round-trips a parsed definition file through the registry form', () => {
    const parsed = parseDefinition(
      [
        'name = "web"',
        'node = "rift"',
        'comment = "the site"',
        '[snapshot]',
        'method = "full"',
        'exclude = ["cache"]',
        '[[components]]',
        'name = "app"',
        'image = "localhost/app:1.0"',
        'restart = "unless-stopped"',
        'user = "1000"',
        'network = "bridge"',
        'ports = ["127.0.0.1:9000:9000/udp"]',
        'volumes = ["/srv/web:/data:ro"]',
        'cmd = ["serve", "--quiet"]',
        'env = ["MODE=prod"]',
        '[[components.routes]]',
        'name = "admin"',
        'port = 9443',
        'mode = "l7"',
        'hostname = "admin.example.org"',
        'public = true',
      ].join('\n'),
      'web.toml',
    );
    if (!parsed.ok) throw new Error(parsed.problems.map((problem) => problem.message).join('\n'));
    const wire = definitionToProto(parsed.definition);
    expect(serviceSpecToProto(serviceSpecFromProto(wire))).toEqual(wire);
  });

  it('writes a record as the definition it came from, so one proto writer serves the agent and the CLI', () => {
    for (const text of ['name = "web"\nnode = "rift"\n', 'name = "web"\ntier = "core"\ncomment = "kept"\n']) {
      const parsed = parseDefinition(
        `${text}[[components]]\nname = "app"\nimage = "localhost/app:1.0"\n[[components.routes]]\nport = 8443\n`,
        'web.toml',
      );
      if (!parsed.ok) throw new Error(parsed.problems.map((problem) => problem.message).join('\n'));
      const recorded = serviceSpecFromProto(definitionToProto(parsed.definition));
      // As the registry reads it back: a host port on each route, and a tier even for a pinned service.
      const stored = {
        ...recorded,
        tier: recorded.tier ?? 'worker',
        components: recorded.components.map((component) => ({
          ...component,
          routes: component.routes.map((route) => ({ ...route, hostPort: 10000 })),
        })),
      };
      expect(serviceSpecToProto(stored)).toEqual(definitionToProto(parsed.definition));
    }
  });

  it('binds a route to its host port, 0 once released', () => {
    const route = { name: 'http', port: 8443, mode: 'l4' as const, public: false };
    expect(routeBinding({ ...route, hostPort: 10007 }).hostPort).toBe(10007);
    expect(routeBinding(route).hostPort).toBe(0);
    expect(routeBinding(route).route?.name).toBe('http');
  });
});

describe('component results', () => {
  it('fails with the first failed step as its error', () => {
    const result = componentResult('app', [stepOk('pull'), stepFailed('container', 'boom'), stepFailed('registry', 'later')]);
    expect(result).toMatchObject({ name: 'app', success: false, status: ResultStatus.FAILED, error: 'boom' });
  });

  it('is SKIPPED when no step applied, and still a success', () => {
    const result = componentResult('app', [stepSkipped('dns', 'no DNS'), stepSkipped('container', 'no container')]);
    expect(result).toMatchObject({ success: true, status: ResultStatus.SKIPPED, error: '' });
  });

  it('is OK when a step was done and the rest skipped', () => {
    expect(componentResult('app', [stepSkipped('dns', 'no DNS'), stepOk('container')]).status).toBe(ResultStatus.OK);
  });

  it('fails with a given error even when its own steps succeeded', () => {
    const result = componentResult('app', [stepOk('pull')], { error: 'another component failed' });
    expect(result).toMatchObject({ success: false, status: ResultStatus.FAILED, error: 'another component failed' });
  });

  it('marks skipped steps as successful with the reason as detail', () => {
    expect(stepSkipped('proxy', 'no proxy')).toMatchObject({ step: 'proxy', success: true, status: ResultStatus.SKIPPED, detail: 'no proxy', error: '' });
  });
});
