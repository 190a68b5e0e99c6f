// Test scaffolding for deploy and lifecycle: an agent test bed whose registry hands out host ports from a window
// of its own (test files run in parallel and each registry would otherwise pick 10000 first), busybox httpd
// services, and an HTTP fetch that waits for the server to come up.
import { create, type MessageInitShape } from '@bufbuild/protobuf';
import { ServiceSpecSchema, type ServiceSpec as ProtoServiceSpec } from '@mcp/proto';
import { openRegistry, type ComponentSpec, type ServiceSpec } from '@mcp/registry';
import type { ContainerInfo } from '@mcp/runtime';
import { uniqueName } from '@mcp/testing';
import { execFile } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { promisify } from 'node:util';
import type { AgentDeps } from './deps.js';
import { createHostPortProbe, podmanForwardChain } from './port-probe.js';
import { startAgentTestBed, type AgentTestBed } from './testing/agent-test-bed.js';
import { serviceSpecToProto } from './wire/spec.js';

/** busybox httpd listening on the route port MCP gives it. */
export const HTTPD_ON_PORT = ['sh', '-c', 'exec httpd -f -p $PORT -h /www'];

const WINDOW_PORTS = 100;

export interface DeployFixture {
  readonly bed: AgentTestBed;
  /** The bed's deps with a registry allocating from this fixture's port window. */
  readonly deps: AgentDeps;
  readonly portRange: { readonly first: number; readonly last: number };
  /** A one-component busybox httpd service with one route, named uniquely. */
  httpService(overrides?: Partial<ServiceSpec>, component?: Partial<ComponentSpec>): ServiceSpec;
  /** Containers of this node, optionally of one service. */
  containers(service?: string): Promise<ContainerInfo[]>;
  /** Removes every container of this node (afterEach). */
  removeContainers(): Promise<void>;
  close(): Promise<void>;
}

export async function startDeployFixture(): Promise<DeployFixture> {
  const bed = await startAgentTestBed();
  // 400 windows of 100 ports in 20000–59999: a run of another file (or the same file in another checkout) is
  // unlikely to pick the same one, and the host probe still skips ports that are bound.
  const first = 20000 + randomInt(0, 400) * WINDOW_PORTS;
  const portRange = { first, last: first + WINDOW_PORTS - 1 };
  const registry = openRegistry({
    path: join(bed.dir.path, 'deploy-registry.db'),
    clock: bed.deps.clock,
    isPortFree: createHostPortProbe(),
    portRange,
  });
  const deps: AgentDeps = { ...bed.deps, registry };
  const containers = async (service?: string) =>
    (await bed.runtime.list({ node: deps.node.name })).filter((container) => service === undefined || container.service === service);
  return {
    bed,
    deps,
    portRange,
    httpService: (overrides = {}, component = {}) => ({
      name: uniqueName('svc'),
      active: true,
      tier: 'worker',
      snapshot: { method: '', exclude: [] },
      components: [
        {
          name: 'web',
          image: bed.image,
          runtime: 'container',
          vcpus: 1,
          ports: [],
          volumes: [],
          env: [],
          cmd: HTTPD_ON_PORT,
          routes: [{ name: 'http', port: 8443, mode: 'l4', public: false }],
          ...component,
        },
      ],
      ...overrides,
    }),
    containers,
    async removeContainers() {
      for (const container of await containers()) await bed.runtime.remove(container.name, { force: true });
    },
    async close() {
      try {
        registry.close();
      } finally {
        await bed.stop();
      }
    },
  };
}

/** The service as a request carries it. */
export function toProto(spec: ServiceSpec): ProtoServiceSpec {
  return serviceSpecToProto(spec);
}

/** A proto spec built field by field, for malformed requests. */
export function protoSpec(fields: MessageInitShape<typeof ServiceSpecSchema>): ProtoServiceSpec {
  return create(ServiceSpecSchema, fields);
}

/** GETs a path on a loopback port, retrying while the server comes up (10 s deadline). */
export async function fetchText(port: number, path = '/'): Promise<string> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    try {
      const response = await fetch(`http://127.0.0.1:${port}${path}`);
      const body = await response.text();
      if (response.ok) return body;
      if (Date.now() > deadline) throw new Error(`GET ${path} on port ${port}: HTTP ${response.status}`);
    } catch (error) {
      if (Date.now() > deadline) throw error;
    }
    await delay(50);
  }
}

/** The host port the registry allocated for a route of a recorded component. */
export function hostPortOf(deps: AgentDeps, service: string, component = 'web', route = 'http'): number {
  const port = deps.registry
    .getService(service)
    .components.find((candidate) => candidate.name === component)
    ?.routes.find((candidate) => candidate.name === route)?.hostPort;
  if (port === undefined) throw new Error(`no host port for ${service}/${component}/${route}`);
  return port;
}

const run = promisify(execFile);

/**
 * Runs `body` while the host's real nat table holds what podman sometimes leaves behind when a container goes: a
 * rule in its forward chain sending `port` to an address nobody has, ahead of any rule for the port. The chain must
 * exist (podman makes it when it first publishes a port); the rule is deleted afterwards whatever happens.
 */
export async function withLeakedForwardRule<T>(port: number, body: () => Promise<T>): Promise<T> {
  const rule = [podmanForwardChain, '-p', 'tcp', '--dport', String(port), '-m', 'comment', '--comment', 'mcp test: a leaked rule',
    '-j', 'DNAT', '--to-destination', `10.88.255.254:${port}`];
  await run('iptables', ['-w', '5', '-t', 'nat', '-I', ...rule]);
  try {
    return await body();
  } finally {
    await run('iptables', ['-w', '5', '-t', 'nat', '-D', ...rule]);
  }
}
