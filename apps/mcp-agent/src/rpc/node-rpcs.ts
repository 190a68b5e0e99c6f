// The node itself: NodeStatus (facts, capacity, runtimes, capabilities), HealthCheck, and the Logs stream.
import { create } from '@bufbuild/protobuf';
import { durationFromMs, timestampDate, timestampFromDate } from '@bufbuild/protobuf/wkt';
import { HealthCheckResponseSchema, LogsResponseSchema, NodeStatusResponseSchema } from '@mcp/proto';
import type { Service } from '@mcp/registry';
import { access } from 'node:fs/promises';
import type { HandlerGroup } from '../agent-handlers.js';
import type { AgentDeps } from '../deps.js';
import { logBatches } from '../log-stream.js';
import { logTargets } from '../log-targets.js';
import { diskSpace, machineLoad, readMachineFacts, type DiskSpace } from '../node-facts.js';
import { instanceSources, observeNode } from '../own-instances.js';
import { probeRuntimes, runtimeInfos } from '../runtime-infos.js';
import { logLineToWire, nodeCapacityToWire, nodeFactsToWire } from '../wire/node.js';

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Running containers and VMs this agent owns, or the reason they could not be counted. */
async function runningInstances(deps: AgentDeps, services: readonly Service[]): Promise<{ running: number; problem?: string }> {
  const observation = await observeNode(deps, services);
  const running = observation.instances.filter((instance) => instance.info.state === 'running').length;
  // A runtime the node does not have (no VM backend) is a capability, not a problem: only asked sources count.
  const problems = instanceSources(deps).flatMap((source) => observation.unanswered.get(source.componentRuntime) ?? []);
  return problems.length === 0 ? { running } : { running, problem: problems.join('; ') };
}

async function diskOrUndefined(root: string): Promise<DiskSpace | undefined> {
  // A missing files root is HealthCheck's to report; NodeStatus still answers (with 0 bytes).
  return diskSpace(root).catch(() => undefined);
}

export const nodeRpcs: HandlerGroup = (deps, context) => ({
  async nodeStatus() {
    const services = deps.registry.listServices();
    const [facts, disk, probes, instances] = await Promise.all([
      readMachineFacts(),
      diskOrUndefined(deps.files.root),
      probeRuntimes(deps),
      runningInstances(deps, services),
    ]);
    const now = deps.clock.now();
    const counts = {
      containers: instances.running,
      services: services.length,
      components: services.reduce((sum, service) => sum + service.components.length, 0),
    };
    return create(NodeStatusResponseSchema, {
      node: deps.node.name,
      role: deps.node.role,
      agentVersion: deps.version,
      facts: nodeFactsToWire(facts, disk),
      capacity: nodeCapacityToWire(machineLoad(facts.cpus), disk, counts),
      runtimes: runtimeInfos(deps, probes),
      capabilities: [...context.capabilities()],
      startedAt: timestampFromDate(deps.startedAt),
      uptime: durationFromMs(Math.max(0, now.getTime() - deps.startedAt.getTime())),
      address: deps.listenAddress,
    });
  },

  async healthCheck() {
    const problems: string[] = [];
    let services: Service[] = [];
    try {
      services = deps.registry.listServices();
    } catch (error) {
      problems.push(`registry: ${message(error)}`);
    }
    const probes = await probeRuntimes(deps);
    const failed = [
      ...(probes.container.available ? [] : [`${deps.runtime.backend}: ${probes.container.reason ?? 'not available'}`]),
      ...(probes.unikernel === undefined || probes.unikernel.available
        ? []
        : [`${deps.vmRuntime?.backend ?? 'qemu'}: ${probes.unikernel.reason ?? 'not available'}`]),
    ];
    problems.push(...failed);
    const instances = await runningInstances(deps, services);
    // When a probe already failed, the failed listing says the same thing again.
    if (instances.problem !== undefined && failed.length === 0) problems.push(instances.problem);
    try {
      await access(deps.files.root);
    } catch (error) {
      problems.push(`files root ${deps.files.root}: ${message(error)}`);
    }
    return create(HealthCheckResponseSchema, {
      status: problems.length === 0 ? 'healthy' : 'degraded',
      containers: instances.running,
      problems,
    });
  },

  async *logs(request, handlerContext) {
    const scope = {
      service: request.service,
      component: request.component,
      ...(request.tail === undefined ? {} : { tail: request.tail }),
    };
    const targets = await logTargets(deps, scope);
    const options = {
      follow: request.follow,
      timestamps: request.timestamps,
      ...(request.tail === undefined ? {} : { tail: request.tail }),
      ...(request.since === undefined ? {} : { since: timestampDate(request.since) }),
    };
    for await (const batch of logBatches(targets, options, handlerContext.signal)) {
      yield create(LogsResponseSchema, { lines: batch.map((line) => logLineToWire(line, request.timestamps)) });
    }
  },
});
