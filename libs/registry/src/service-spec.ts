// Recovers the definition part of stored rows: what Recover needs to recreate a container without a pull.
import type { Component, ComponentSpec, Service, ServiceSpec } from './types.js';

/** The component's spec (routes with their host ports), without observed state or timestamps. */
export function componentSpecOf(component: Component): ComponentSpec {
  return {
    name: component.name,
    image: component.image,
    runtime: component.runtime,
    ...(component.memoryMb === undefined ? {} : { memoryMb: component.memoryMb }),
    ...(component.vcpus === undefined ? {} : { vcpus: component.vcpus }),
    ...(component.network === undefined ? {} : { network: component.network }),
    ...(component.user === undefined ? {} : { user: component.user }),
    ...(component.restart === undefined ? {} : { restart: component.restart }),
    ports: component.ports,
    volumes: component.volumes,
    ...(component.cmd === undefined ? {} : { cmd: component.cmd }),
    env: component.env,
    routes: component.routes,
  };
}

/** The service's spec as last upserted, components in definition order (kept ones after). */
export function serviceSpecOf(service: Service): ServiceSpec {
  return {
    name: service.name,
    active: service.active,
    tier: service.tier,
    ...(service.node === undefined ? {} : { node: service.node }),
    ...(service.comment === undefined ? {} : { comment: service.comment }),
    snapshot: service.snapshot,
    components: service.components.map(componentSpecOf),
  };
}
