// Service definitions for fleet scenarios: one busybox httpd component answering on its route's $PORT.
import { create } from '@bufbuild/protobuf';
import { ComponentSpecSchema, RouteSpecSchema, ServiceSpecSchema, type ServiceSpec } from '@mcp/proto';

export interface BusyboxServiceOptions {
  name: string;
  image: string;
  /** Default worker, unless pinned: a definition names a tier or a node, never both. */
  tier?: 'core' | 'worker';
  /** Pins the service to this node. */
  node?: string;
  /** KEY=VALUE entries; a change of them is a changed definition. */
  env?: readonly string[];
}

/** A one-component service (`web`) whose httpd listens on the host port the agent hands its route. */
export function busyboxService(options: BusyboxServiceOptions): ServiceSpec {
  return create(ServiceSpecSchema, {
    name: options.name,
    active: true,
    tier: options.node === undefined ? (options.tier ?? 'worker') : '',
    node: options.node ?? '',
    components: [
      create(ComponentSpecSchema, {
        name: 'web',
        image: options.image,
        runtime: 'container',
        cmd: ['sh', '-c', 'exec httpd -f -p $PORT -h /www'],
        env: [...(options.env ?? [])],
        routes: [create(RouteSpecSchema, { name: 'http', port: 443, mode: 'l4' })],
      }),
    ],
  });
}

/** The container MCP runs for a component (`<service>-<component>`). */
export function containerNameOf(service: string, component = 'web'): string {
  return `${service}-${component}`;
}
