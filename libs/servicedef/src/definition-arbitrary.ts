// fast-check generators of valid, normalised service definitions, for the round-trip property tests.
import fc from 'fast-check';
import { buildImageKeys } from './image-reference.js';
import type { ComponentDefinition, RouteDefinition, ServiceDefinition } from './types.js';

const SPECIAL_CHARACTERS = ['"', "'", '\\', '\n', '\t', '\r', '\u0000', '\u001f', '\u007f', '#', '=', '[', ']', '$', 'é', '😀', ' '];

/** Free text, including what TOML must escape. */
export const arbitraryText = fc.oneof(fc.string({ unit: 'grapheme', maxLength: 20 }), fc.string({ unit: fc.constantFrom(...SPECIAL_CHARACTERS), maxLength: 12 }));
export const arbitraryName = fc.stringMatching(/^[a-z](?:[a-z0-9-]{0,61}[a-z0-9])?$/);
const word = fc.stringMatching(/^[A-Za-z0-9_.:-]{1,12}$/);
const hostname = fc
  .array(fc.stringMatching(/^[a-z0-9](?:[a-z0-9-]{0,10}[a-z0-9])?$/), { minLength: 1, maxLength: 3 })
  .map((labels) => labels.join('.'));
const relativePath = fc
  .array(fc.stringMatching(/^[A-Za-z0-9_.-]{1,10}$/).filter((segment) => segment !== '..'), { minLength: 1, maxLength: 3 })
  .map((segments) => segments.join('/'));
const port = fc.integer({ min: 1, max: 65535 });

const image = fc
  .record({
    registry: fc.constantFrom('', 'localhost/', 'registry.example.net:5000/', 'ghcr.io/team/'),
    path: fc.stringMatching(/^[a-z0-9]+(?:[._-][a-z0-9]+)?$/),
    tag: fc.option(fc.stringMatching(/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,15}$/), { nil: undefined }),
    digest: fc.option(fc.stringMatching(/^[0-9a-f]{64}$/), { nil: undefined }),
  })
  .map(({ registry, path, tag, digest }) => `${registry}${path}${tag === undefined && digest === undefined ? ':latest' : ''}${tag === undefined ? '' : `:${tag}`}${digest === undefined ? '' : `@sha256:${digest}`}`);

const portMapping = fc
  .record({ ip: fc.constantFrom('', '127.0.0.1:', '0.0.0.0:', '[::1]:'), host: port, container: port, protocol: fc.constantFrom('', '/tcp', '/udp') })
  .map(({ ip, host, container, protocol }) => `${ip}${host}:${container}${protocol}`);
const volume = fc
  .record({ source: fc.oneof(relativePath.map((path) => `/srv/${path}`), fc.stringMatching(/^[a-z][a-z0-9_.-]{0,8}$/)), target: relativePath, options: fc.constantFrom('', ':ro', ':rw,Z', ':z') })
  .map(({ source, target, options }) => ({ target: `/${target}`, text: `${source}:/${target}${options}` }));
const envEntry = fc
  .record({ key: fc.stringMatching(/^[A-Z_][A-Z0-9_]{0,8}$/).filter((key) => !key.startsWith('PORT')), value: arbitraryText })
  .map(({ key, value }) => ({ key, text: `${key}=${value}` }));

function route(named: boolean): fc.Arbitrary<RouteDefinition> {
  return fc
    .record({
      name: named ? arbitraryName : fc.constant(''),
      port,
      mode: fc.constantFrom('l4' as const, 'l7' as const),
      hostname: fc.option(hostname, { nil: undefined }),
      public: fc.boolean(),
    })
    .map(({ hostname: host, ...rest }) => {
      const value: RouteDefinition = { ...rest, public: rest.public && host !== undefined };
      if (host !== undefined) value.hostname = host;
      return value;
    });
}

const routes = fc.oneof(
  fc.array(route(false), { maxLength: 1 }),
  fc.uniqueArray(route(true), { minLength: 2, maxLength: 3, selector: (value) => value.name }),
);

const component: fc.Arbitrary<ComponentDefinition> = fc
  .record({
    name: arbitraryName,
    image,
    isVm: fc.boolean(),
    memoryMb: fc.integer({ min: 1, max: 65536 }),
    vcpus: fc.integer({ min: 1, max: 64 }),
    network: fc.option(word, { nil: undefined }),
    user: fc.option(word, { nil: undefined }),
    restart: fc.option(fc.constantFrom('no', 'always', 'unless-stopped', 'on-failure', 'on-failure:5'), { nil: undefined }),
    ports: fc.array(portMapping, { maxLength: 2 }),
    volumes: fc.uniqueArray(volume, { maxLength: 2, selector: (value) => value.target }),
    cmd: fc.option(fc.array(arbitraryText, { minLength: 1, maxLength: 3 }), { nil: undefined }),
    env: fc.uniqueArray(envEntry, { maxLength: 3, selector: (value) => value.key }),
    routes,
  })
  .map((fields) => {
    const value: ComponentDefinition = {
      name: fields.name,
      image: fields.image,
      runtime: fields.isVm ? 'unikernel' : 'container',
      vcpus: fields.isVm ? fields.vcpus : 1,
      ports: fields.ports,
      volumes: fields.isVm ? [] : fields.volumes.map((entry) => entry.text),
      env: fields.env.map((entry) => entry.text),
      routes: fields.routes,
    };
    if (fields.isVm) value.memoryMb = fields.memoryMb;
    if (!fields.isVm && fields.network !== undefined) value.network = fields.network;
    if (!fields.isVm && fields.user !== undefined) value.user = fields.user;
    if (!fields.isVm && fields.restart !== undefined) value.restart = fields.restart;
    if (fields.cmd !== undefined) value.cmd = fields.cmd;
    return value;
  });

/** Drops what one service may not hold twice: a (route port, hostname) pair, a published host port. */
function withoutCollisions(components: ComponentDefinition[]): ComponentDefinition[] {
  const routeKeys = new Set<string>();
  const hostPorts = new Set<string>();
  return components.map((value) => ({
    ...value,
    routes: value.routes.filter((entry) => {
      const key = `${entry.port} ${entry.hostname ?? ''}`;
      return !routeKeys.has(key) && Boolean(routeKeys.add(key));
    }),
    ports: value.ports.filter((mapping) => {
      const [, host = '', container = ''] = /(\d+):(\d+)(?:\/\w+)?$/.exec(mapping) ?? [];
      const key = `${host}${mapping.endsWith('/udp') ? 'udp' : 'tcp'}`;
      return container !== '' && !hostPorts.has(key) && Boolean(hostPorts.add(key));
    }),
  }));
}

export const arbitraryDefinition: fc.Arbitrary<ServiceDefinition> = fc
  .record({
    name: arbitraryName,
    active: fc.boolean(),
    placement: fc.oneof(fc.constantFrom({ tier: 'core' as const }, { tier: 'worker' as const }), word.map((node) => ({ node }))),
    comment: fc.option(arbitraryText.filter((text) => text !== ''), { nil: undefined }),
    path: fc.option(relativePath, { nil: undefined }),
    // Warning-free definitions, as placement keeps node and tier apart: "grpc" draws a warning (parse.test.ts).
    method: fc.oneof(fc.constantFrom('', 'cli', 'full'), fc.stringMatching(/^[a-z][a-z0-9 /-]{0,20}$/).map((command) => `exec: ${command}`)),
    exclude: fc.array(relativePath, { maxLength: 3 }),
    components: fc.uniqueArray(component, { minLength: 1, maxLength: 3, selector: (value) => value.name }),
    buildChoices: fc.array(fc.record({ index: fc.nat(), form: fc.nat({ max: 2 }), dockerfile: relativePath }), { maxLength: 3 }),
  })
  .map((fields) => {
    const components = withoutCollisions(fields.components);
    const buildImages: Record<string, string> = {};
    for (const choice of fields.buildChoices) {
      const keys = buildImageKeys(components[choice.index % components.length]?.image ?? '');
      const key = keys[Math.min(choice.form, keys.length - 1)];
      if (key !== undefined) buildImages[key] = choice.dockerfile;
    }
    const value: ServiceDefinition = {
      name: fields.name,
      active: fields.active,
      ...fields.placement,
      buildImages,
      snapshot: { method: fields.method, exclude: fields.exclude },
      components,
    };
    if (fields.comment !== undefined) value.comment = fields.comment;
    if (fields.path !== undefined) value.path = fields.path;
    return value;
  });
