// Validates a whole service table: service keys, [build], [snapshot], components and the cross-component rules.
import { BUILD_PATH_EXPECTED, checkBuildPath, checkRelativePath, checkWord, oneOf, RELATIVE_PATH_EXPECTED, WORD_EXPECTED } from './checks.js';
import { quoteList, type FieldReader } from './field-reader.js';
import { buildImageKeys } from './image-reference.js';
import { checkName, NAME_EXPECTED } from './names.js';
import { findHostPortClashes } from './host-port-clashes.js';
import type { ComponentDefinition, ServiceDefinition, SnapshotDefinition, Tier } from './types.js';
import { readComponent } from './validate-component.js';

export const SERVICE_KEYS = ['name', 'active', 'tier', 'node', 'comment', 'path', 'build', 'snapshot', 'components'] as const;
const TIERS: readonly Tier[] = ['core', 'worker'];
const SNAPSHOT_METHOD_EXPECTED = 'one of "", "grpc", "cli", "full" or "exec: <command>"';

const checkSnapshotMethod = (value: string): string | undefined =>
  ['', 'grpc', 'cli', 'full'].includes(value) || /^exec:\s*\S/.test(value) ? undefined : `found ${JSON.stringify(value)}`;

export function readService(service: FieldReader, fileStem: string): ServiceDefinition {
  service.knownKeys(SERVICE_KEYS);
  const name = service.string('name', NAME_EXPECTED, { required: true, check: checkName });
  if (name !== undefined && name !== fileStem) {
    service.report(['name'], `found ${JSON.stringify(name)}, but the file is named ${JSON.stringify(`${fileStem}.toml`)}`, `${JSON.stringify(fileStem)} (the file name without .toml)`);
  }
  const active = service.boolean('active') ?? true;
  const tier = service.string('tier', 'one of "core", "worker"', { check: oneOf(TIERS) }) as Tier | undefined;
  const node = service.string('node', `a node name: ${WORD_EXPECTED}`, { check: checkWord });
  if (tier !== undefined && node !== undefined) {
    service.warn(['tier'], `set together with node; node wins: the service is pinned to node ${node} and tier = ${JSON.stringify(tier)} is ignored`);
  }
  const comment = service.string('comment', 'a string');
  const path = service.string('path', BUILD_PATH_EXPECTED, { check: checkBuildPath });
  const snapshot = readSnapshot(service);

  const componentReaders = service.tableList('components', 'a list of [[components]] tables');
  if (!service.has('components') || componentReaders?.length === 0) {
    service.report(['components'], service.has('components') ? 'found an empty list' : 'missing', 'at least one [[components]] table');
  }
  const components = (componentReaders ?? []).map(readComponent);
  checkComponentNames(service, components);
  checkRouteCollisions(service, components);
  checkHostPortClashes(service, components);
  const buildImages = readBuildImages(service, components);

  const definition: ServiceDefinition = { name: name ?? '', active, buildImages, snapshot, components };
  if (tier !== undefined) definition.tier = tier;
  else if (!service.has('node')) definition.tier = 'worker';
  if (node !== undefined) definition.node = node;
  if (comment !== undefined && comment !== '') definition.comment = comment;
  if (path !== undefined) definition.path = path;
  return definition;
}

function readSnapshot(service: FieldReader): SnapshotDefinition {
  const snapshot = service.table('snapshot', 'a [snapshot] table');
  snapshot?.knownKeys(['method', 'exclude']);
  const method = snapshot?.string('method', SNAPSHOT_METHOD_EXPECTED, { check: checkSnapshotMethod });
  if (method === 'grpc') {
    snapshot?.warn(
      ['method'],
      '"grpc" names no call MCP can make (no gRPC snapshot contract for services is defined): a snapshot of the service ' +
        'while it runs fails; migrate and a stopped service are unaffected; "cli" or "exec: <command>" runs a step of its own',
    );
  }
  const exclude = snapshot?.stringList('exclude', `${RELATIVE_PATH_EXPECTED} (under /srv/<service>/)`, checkRelativePath);
  return { method: method ?? '', exclude: exclude ?? [] };
}

function readBuildImages(service: FieldReader, components: readonly ComponentDefinition[]): Record<string, string> {
  const build = service.table('build', 'a [build] table');
  build?.knownKeys(['images']);
  const images = build?.table('images', 'a [build.images] table of image repository = "Dockerfile path"');
  const buildImages: Record<string, string> = {};
  if (images === undefined) return buildImages;
  const known = components.map((component) => component.image).filter((image) => image !== '');
  const repositories = known.map((image) => buildImageKeys(image)[0] ?? image);
  for (const key of Object.keys(images.values)) {
    const dockerfile = images.string(key, `${RELATIVE_PATH_EXPECTED} to a Dockerfile`, { check: checkRelativePath });
    if (!known.some((image) => buildImageKeys(image).includes(key))) {
      const expected = repositories.length === 0 ? 'the repository of a component image' : `the repository of a component image: one of ${quoteList(repositories)}`;
      images.report([key], `no component image has the repository ${JSON.stringify(key)}`, expected);
    } else if (dockerfile !== undefined) buildImages[key] = dockerfile;
  }
  return buildImages;
}

function checkComponentNames(service: FieldReader, components: readonly ComponentDefinition[]): void {
  const seen = new Map<string, number>();
  components.forEach((component, index) => {
    if (component.name === '') return;
    const first = seen.get(component.name);
    if (first === undefined) seen.set(component.name, index);
    else service.report(['components', index, 'name'], `found ${JSON.stringify(component.name)}, already used by components[${first}]`, 'a component name unique within the service');
  });
}

/** The proxy routes by (listener port, hostname); an absent hostname means the service's default one. */
function checkRouteCollisions(service: FieldReader, components: readonly ComponentDefinition[]): void {
  const seen = new Map<string, string>();
  components.forEach((component, componentIndex) => {
    component.routes.forEach((route, routeIndex) => {
      if (route.port === 0) return;
      const key = `${route.port} ${route.hostname ?? ''}`;
      const first = seen.get(key);
      const here = `components[${componentIndex}].routes[${routeIndex}]`;
      if (first === undefined) {
        seen.set(key, here);
        return;
      }
      const host = route.hostname === undefined ? 'the default hostname' : `hostname ${JSON.stringify(route.hostname)}`;
      service.report(['components', componentIndex, 'routes', routeIndex], `port ${route.port} with ${host} is already routed by ${first}`, 'a (port, hostname) pair used by one route of the service');
    });
  });
}

function checkHostPortClashes(service: FieldReader, components: readonly ComponentDefinition[]): void {
  for (const clash of findHostPortClashes(components)) {
    service.report(['components', clash.componentIndex, 'ports', clash.portIndex], `found ${JSON.stringify(clash.port)}, whose host port is already published by ${clash.publishedBy}`, 'each host port published once per service');
  }
}
