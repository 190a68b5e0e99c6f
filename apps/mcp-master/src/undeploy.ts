// Master Undeploy (SPEC §6): the hosting agent first, then edge routes and DNS, then the placement record.
import { create } from '@bufbuild/protobuf';
import { Code, ConnectError } from '@connectrpc/connect';
import { ResultStatus, UndeployResponseSchema, type ComponentResult, type StepResult, type UndeployResponse } from '@mcp/proto';
import { agentName, isUnreachable } from './agent-calls.js';
import { DEFAULT_FLEET_OPTIONS, unansweredReason, type FleetOptions } from './deploy.js';
import type { MasterDeps, NodeRecord, PlacementRecord } from './deps.js';
import { FleetError } from './fleet-errors.js';
import { removeServiceEdgeRoutes } from './edge-routes.js';
import { removeServiceRecord } from './service-dns.js';
import { serviceLocksFor } from './service-lock.js';
import { checkServiceName } from './spec-input.js';
import { errorText, firstFailure, stepFailed, stepOk, stepSkipped } from './step-results.js';

interface AgentTeardown {
  readonly step: StepResult;
  readonly components: ComponentResult[];
  /** Whether the service is gone from the node, so the records may go too. */
  readonly done: boolean;
}

async function tearDownOnAgent(
  deps: MasterDeps,
  placement: PlacementRecord,
  node: NodeRecord | undefined,
  timeoutMs: number,
): Promise<AgentTeardown> {
  const service = placement.service;
  if (node === undefined) {
    // The node left the registry: there is no agent to ask, and keeping the record would make it undeletable.
    return { step: stepSkipped('undeploy', `node ${placement.node} is not registered any more: no agent to ask`), components: [], done: true };
  }
  try {
    const answer = await deps.agents.forAddress(node.address).undeployService({ service }, { timeoutMs });
    if (answer.success) {
      return { step: stepOk('undeploy', `service ${service} torn down on ${agentName(node)}`), components: answer.results, done: true };
    }
    const failed = [...answer.results.filter((result) => !result.success).map((result) => `${result.name}: ${result.error}`), ...answer.steps.filter((step) => !step.success).map((step) => `${step.step}: ${step.error}`)];
    return {
      step: stepFailed('undeploy', `on ${agentName(node)}: ${failed.length === 0 ? 'the agent reported a failure' : failed.join('; ')}`),
      components: answer.results,
      done: false,
    };
  } catch (error) {
    const connectError = ConnectError.from(error);
    if (isUnreachable(error)) {
      throw new FleetError(
        'unavailable',
        `cannot undeploy service ${service}: ${agentName(node)} ${unansweredReason(error, timeoutMs)}; ` +
          'the placement is kept, undeploy again when the node answers',
        { cause: error },
      );
    }
    if (connectError.code === Code.NotFound) {
      return { step: stepSkipped('undeploy', `${agentName(node)} has no service ${service}: nothing to tear down`), components: [], done: true };
    }
    return { step: stepFailed('undeploy', `${agentName(node)} refused the undeploy: ${errorText(connectError)}`), components: [], done: false };
  }
}

async function undeployLocked(deps: MasterDeps, service: string, options: FleetOptions): Promise<UndeployResponse> {
  const log = deps.log.child({ rpc: 'Undeploy', service });
  const placement = deps.store.findPlacement(service);
  if (placement === undefined) {
    throw new FleetError('not-found', `service ${service} is not placed: the master has no placement for it (mcp status lists placed services)`);
  }
  const node = deps.store.findNode(placement.node);
  const teardown = await tearDownOnAgent(deps, placement, node, options.agentOperationTimeoutMs);
  const steps: StepResult[] = [teardown.step];
  if (!teardown.done) {
    steps.push(stepSkipped('edge_route', 'not attempted: the agent did not finish the teardown'));
    steps.push(stepSkipped('dns', 'not attempted: the agent did not finish the teardown'));
    steps.push(stepSkipped('record', `placement on node ${placement.node} kept so that the undeploy can be retried`));
  } else {
    // Edge routes before DNS: the edge resolves the service's internal name until its route is gone.
    const edge = await removeServiceEdgeRoutes(deps, service, options.agentOperationTimeoutMs);
    steps.push(...(edge.steps.length === 0 ? [stepSkipped('edge_route', 'no edge routes recorded')] : edge.steps));
    if (!edge.done) {
      steps.push(stepSkipped('dns', 'not attempted: an edge route is still there'));
      steps.push(stepSkipped('record', `placement on node ${placement.node} kept so that the undeploy can be retried: an edge route is still there`));
    } else {
      const dns = await removeServiceRecord(deps.dns, service);
      steps.push(dns);
      if (dns.status === ResultStatus.FAILED) {
        // Kept so that a retry removes the record too (until then the repair loop treats it as any placed service's).
        steps.push(stepSkipped('record', `placement on node ${placement.node} kept so that the undeploy can be retried: the DNS record is still there`));
      } else {
        deps.store.deletePlacement(service);
        steps.push(stepOk('record', `placement of service ${service} on node ${placement.node} deleted`));
      }
    }
  }
  const error = firstFailure(steps);
  const summary = steps.map((step) => `${step.step}=${ResultStatus[step.status]}`);
  (error === undefined ? log.info.bind(log) : log.warn.bind(log))({ node: placement.node, steps: summary, ...(error === undefined ? {} : { error }) }, 'undeploy finished');
  return create(UndeployResponseSchema, { success: error === undefined, error: error ?? '', steps, node: placement.node, components: teardown.components });
}

/**
 * Master Undeploy under the service's lock. Unknown service → NotFound. An unreachable agent → Unavailable naming
 * node and address, with the placement kept: the operator retries once the node is back.
 */
export async function undeployService(
  deps: MasterDeps,
  serviceName: string,
  options: FleetOptions = DEFAULT_FLEET_OPTIONS,
): Promise<UndeployResponse> {
  const service = checkServiceName('service_name', serviceName);
  return serviceLocksFor(deps.store).run(service, () => undeployLocked(deps, service, options));
}
