// Converts between ServiceDefinition and the wire's ServiceSpec; lossless for normalised definitions.
import { create } from '@bufbuild/protobuf';
import {
  ComponentSpecSchema, RouteSpecSchema, ServiceSpecSchema, SnapshotConfigSchema,
  type ComponentSpec, type RouteSpec, type ServiceSpec,
} from '@mcp/proto';
import type { ComponentDefinition, ComponentRuntime, RouteDefinition, RouteMode, ServiceDefinition, Tier } from './types.js';

export function definitionToProto(definition: ServiceDefinition): ServiceSpec {
  return create(ServiceSpecSchema, {
    name: definition.name,
    active: definition.active,
    components: definition.components.map(componentToProto),
    comment: definition.comment ?? '',
    tier: definition.tier ?? '',
    node: definition.node ?? '',
    snapshot: create(SnapshotConfigSchema, { method: definition.snapshot.method, excludes: [...definition.snapshot.exclude] }),
    path: definition.path ?? '',
    buildImages: { ...definition.buildImages },
  });
}

function componentToProto(component: ComponentDefinition): ComponentSpec {
  return create(ComponentSpecSchema, {
    name: component.name,
    image: component.image,
    network: component.network ?? '',
    user: component.user ?? '',
    restart: component.restart ?? '',
    ports: [...component.ports],
    volumes: [...component.volumes],
    cmd: [...(component.cmd ?? [])],
    routes: component.routes.map(routeDefinitionToProto),
    env: [...component.env],
    runtime: component.runtime,
    memoryMb: component.memoryMb ?? 0,
    vcpus: component.vcpus,
  });
}

/** One route as the wire carries it (alone in a RouteBinding, or inside its component). */
export function routeDefinitionToProto(route: RouteDefinition): RouteSpec {
  return create(RouteSpecSchema, { name: route.name, port: route.port, mode: route.mode, hostname: route.hostname ?? '', public: route.public });
}

/**
 * Proto3 cannot tell "unset" from "empty": "" and 0 read back as absent, and the defaults of a parsed
 * file are applied (tier "worker" when neither tier nor node, runtime "container", vcpus 1, mode "l4").
 * Values are not re-validated: the sender validated them.
 */
export function definitionFromProto(spec: ServiceSpec): ServiceDefinition {
  const definition: ServiceDefinition = {
    name: spec.name,
    active: spec.active,
    buildImages: { ...spec.buildImages },
    snapshot: { method: spec.snapshot?.method ?? '', exclude: [...(spec.snapshot?.excludes ?? [])] },
    components: spec.components.map(componentFromProto),
  };
  if (spec.tier !== '') definition.tier = spec.tier as Tier;
  else if (spec.node === '') definition.tier = 'worker';
  if (spec.node !== '') definition.node = spec.node;
  if (spec.comment !== '') definition.comment = spec.comment;
  if (spec.path !== '') definition.path = spec.path;
  return definition;
}

function componentFromProto(spec: ComponentSpec): ComponentDefinition {
  const component: ComponentDefinition = {
    name: spec.name,
    image: spec.image,
    runtime: (spec.runtime === '' ? 'container' : spec.runtime) as ComponentRuntime,
    vcpus: spec.vcpus > 0 ? spec.vcpus : 1,
    ports: [...spec.ports],
    volumes: [...spec.volumes],
    env: [...spec.env],
    routes: spec.routes.map(routeFromProto),
  };
  if (spec.memoryMb > 0) component.memoryMb = spec.memoryMb;
  if (spec.network !== '') component.network = spec.network;
  if (spec.user !== '') component.user = spec.user;
  if (spec.restart !== '') component.restart = spec.restart;
  if (spec.cmd.length > 0) component.cmd = [...spec.cmd];
  return component;
}

function routeFromProto(spec: RouteSpec): RouteDefinition {
  const route: RouteDefinition = { name: spec.name, port: spec.port, mode: (spec.mode === '' ? 'l4' : spec.mode) as RouteMode, public: spec.public };
  if (spec.hostname !== '') route.hostname = spec.hostname;
  return route;
}
