// Master Deploy (SPEC §6): validate → place → agent Deploy → DNS → edge routes → record, one result per step.
import { create } from '@bufbuild/protobuf';
import { Code, ConnectError } from '@connectrpc/connect';
import { placeService, type PlacementRefused } from '@mcp/placement';
import {
  MasterDeployResponseSchema,
  PullPolicy,
  ResultStatus,
  type ComponentResult,
  type MasterDeployResponse,
  type ServiceSpec,
  type StepResult,
} from '@mcp/proto';
import { performance } from 'node:perf_hooks';
import { definitionToProto, isValidName, type ServiceDefinition } from '@mcp/servicedef';
import { agentName, isUnreachable } from './agent-calls.js';
import type { MasterDeps, NodeRecord, PlacementRecord } from './deps.js';
import { FleetError } from './fleet-errors.js';
import { checkFleetPolicy, DEFAULT_FLEET_POLICY } from './fleet-policy.js';
import type { DeployPolicy } from '@mcp/policy';
import { nodeSnapshotOf, placementOf, serviceToPlaceOf } from './placement-input.js';
import { edgeSummary, hostnameConflicts, setUpServiceEdgeRoutes } from './edge-routes.js';
import { publicRoutesOf, routesOutsideAllowedDomains } from './public-routes.js';
import { pointServiceAt, removeServiceRecord } from './service-dns.js';
import { serviceLocksFor } from './service-lock.js';
import { definitionOfSpec } from './spec-input.js';
import { errorText, firstFailure, stepFailed, stepOk, stepSkipped } from './step-results.js';

/** Settings of the fleet operations that come from the master's configuration. */
export interface FleetOptions {
  /** Public hostnames must be under one of these (whole labels); empty: none configured, nothing refused. */
  readonly allowedPublicDomains: readonly string[];
  /**
   * Deadline of an agent's Deploy or UndeployService, in ms. Long, because a deploy pulls images; finite, because
   * the service's lock is held meanwhile. Fan-out calls (Status, reconciliation) use `agentTimeoutMs` instead.
   */
  readonly agentOperationTimeoutMs: number;
  /** The fleet's deploy policy (`[policy]`), judged before placing. */
  readonly policy: DeployPolicy;
  /** `[placement] allow_tcg_vms`: nodes whose qemu has TCG alone take unikernel components, after KVM nodes. */
  readonly allowTcgVms: boolean;
}

export const DEFAULT_FLEET_OPTIONS: FleetOptions = {
  allowedPublicDomains: [],
  agentOperationTimeoutMs: 15 * 60_000,
  policy: DEFAULT_FLEET_POLICY,
  allowTcgVms: false,
};

/** Why an agent call failed without an answer, for an Unavailable message. */
export function unansweredReason(error: unknown, timeoutMs: number): string {
  const connectError = ConnectError.from(error);
  return connectError.code === Code.DeadlineExceeded
    ? `did not finish within ${timeoutMs} ms (it may still be working: check with mcp status)`
    : `is unreachable (${connectError.rawMessage})`;
}

/** How the node pulls images, passed on to the agent's Deploy as the CLI sent it (the agent reads it). */
export interface PullRequest {
  readonly noPull: boolean;
  /** Unset (UNSPECIFIED): the agent goes by noPull. */
  readonly pull?: PullPolicy;
}

export interface DeployInput extends PullRequest {
  readonly spec: ServiceSpec | undefined;
  /** "" deploys every component. */
  readonly component: string;
}

/** A deploy request whose fields have been checked. */
export interface CheckedDeploy extends PullRequest {
  readonly definition: ServiceDefinition;
  readonly component: string;
}

/** Checks the request (InvalidArgument naming the field) before anything is changed. */
export function checkDeployInput(input: DeployInput, options: FleetOptions, field = 'service'): CheckedDeploy {
  const definition = definitionOfSpec(input.spec, field);
  const names = definition.components.map((component) => component.name);
  if (input.component !== '' && (!isValidName(input.component) || !names.includes(input.component))) {
    throw new FleetError(
      'invalid-argument',
      `component: ${JSON.stringify(input.component)} is not a component of service ${definition.name}; ` +
        `expected one of ${names.map((name) => JSON.stringify(name)).join(', ')}, or "" for every component`,
    );
  }
  checkFleetPolicy(definition, options.policy, field);
  const outside = routesOutsideAllowedDomains(publicRoutesOf(definition), options.allowedPublicDomains);
  if (outside.length > 0) {
    const allowed = options.allowedPublicDomains.join(', ');
    throw new FleetError(
      'invalid-argument',
      outside
        .map(
          (route) =>
            `${field}.components[${route.componentIndex}].routes[${route.routeIndex}].hostname: ${route.hostname} is public but ` +
            `not under an allowed public domain; expected a name under ${allowed} (whole labels)`,
        )
        .join('\n'),
    );
  }
  return { definition, component: input.component, noPull: input.noPull, ...(input.pull === undefined ? {} : { pull: input.pull }) };
}

function refusalMessage(refusal: PlacementRefused): string {
  const perNode = refusal.rejected.map((rejection) => `\n  ${rejection.node}: ${rejection.reason}`).join('');
  return `cannot place: ${refusal.reason}${perNode}`;
}

function deployStep(node: NodeRecord, components: readonly ComponentResult[], success: boolean): StepResult {
  if (success) return stepOk('deploy', `${components.map((component) => component.name).join(', ')} deployed on ${agentName(node)}`);
  const failed = components.filter((component) => component.status === ResultStatus.FAILED || !component.success);
  const why = failed.map((component) => `${component.name}: ${component.error}`).join('; ');
  return stepFailed('deploy', `on ${agentName(node)}: ${why === '' ? 'the agent reported a failure' : why}`);
}

/** After a refused first deploy on a node: the record goes back to the previous node, or away when there was none. */
async function undoEarlyRecord(deps: MasterDeps, service: string, previous: PlacementRecord | undefined, why: string): Promise<StepResult> {
  const back = previous === undefined ? undefined : deps.store.findNode(previous.node);
  const step = back === undefined ? await removeServiceRecord(deps.dns, service) : await pointServiceAt(deps.dns, service, back);
  if (step.status === ResultStatus.FAILED) return step;
  return stepSkipped('dns', `${why}: the record made for it was undone (${step.detail})`);
}

function placementTier(definition: ServiceDefinition): string {
  return definition.node !== undefined ? '' : (definition.tier ?? 'worker');
}

async function deployLocked(deps: MasterDeps, checked: CheckedDeploy, options: FleetOptions): Promise<MasterDeployResponse> {
  const { definition } = checked;
  const log = deps.log.child({ rpc: 'Deploy', service: definition.name });
  // Milliseconds per phase, in the 'deploy finished' log line (read by the edge deploy benchmark; never asserted).
  const stepMs: Record<string, number> = {};
  let phaseStart = performance.now();
  const lap = (phase: string) => {
    const now = performance.now();
    stepMs[phase] = Math.round((now - phaseStart) * 10) / 10;
    phaseStart = now;
  };
  // A public name another service holds is refused before any agent is called.
  const conflicts = hostnameConflicts(deps, definition, 'service');
  if (conflicts.length > 0) throw new FleetError('failed-precondition', conflicts.join('\n'));
  const nodes = deps.store.listNodes();
  const previous = deps.store.findPlacement(definition.name);
  const decision = placeService({
    nodes: nodes.map(nodeSnapshotOf),
    placements: deps.store.listPlacements().map(placementOf),
    service: serviceToPlaceOf(definition),
    allowTcgVms: options.allowTcgVms,
  });
  if (!decision.ok) throw new FleetError('failed-precondition', refusalMessage(decision));
  const node = nodes.find((candidate) => candidate.name === decision.node);
  if (node === undefined) throw new Error(`placement chose node ${decision.node}, which is not in the node list`);
  const steps: StepResult[] = [stepOk('place', `node ${node.name}: ${decision.reason}`)];
  lap('place');

  // A service new to this node gets its record first: the agent's deploy orders the certificate of
  // `<service>.<zone>`, and the CA validates it by resolving that name to this node.
  const moves = deps.dns !== undefined && previous?.node !== node.name;
  const early = moves ? await pointServiceAt(deps.dns, definition.name, node) : undefined;
  if (early !== undefined) {
    steps.push(early);
    lap('dns');
  }

  // The definition is sent and recorded in its canonical form, so that Sync compares like with like.
  const spec = definitionToProto(definition);
  let components: ComponentResult[] = [];
  let deployed: StepResult;
  let refused = false;
  // Whether the agent now holds the definition; a deploy that changed nothing there is not recorded here either.
  let recordedByAgent = false;
  try {
    const answer = await deps.agents
      .forAddress(node.address)
      .deploy(
        { service: spec, component: checked.component, noPull: checked.noPull, pull: checked.pull ?? PullPolicy.UNSPECIFIED },
        { timeoutMs: options.agentOperationTimeoutMs },
      );
    components = answer.results;
    recordedByAgent = answer.recorded || answer.success;
    deployed = deployStep(node, components, answer.success);
  } catch (error) {
    if (isUnreachable(error)) {
      // Nothing recorded means no record either: the one made for this node goes back.
      if (early?.status === ResultStatus.OK) await undoEarlyRecord(deps, definition.name, previous, 'the agent did not answer');
      throw new FleetError(
        'unavailable',
        `cannot deploy service ${definition.name}: ${agentName(node)} ${unansweredReason(error, options.agentOperationTimeoutMs)}; ` +
          'nothing was recorded, deploy again when the node answers',
        { cause: error },
      );
    }
    refused = true;
    deployed = stepFailed('deploy', `${agentName(node)} refused the deploy: ${errorText(ConnectError.from(error))}`);
  }
  steps.push(deployed);
  lap('deploy');

  let dns: StepResult;
  let edge: StepResult;
  if (refused || !recordedByAgent) {
    // The agent refused the request, or changed nothing (an image it could not pull): the node has not heard of
    // this definition, so the master records nothing either and `mcp ps` shows no service there.
    const why = refused ? 'the agent refused the deploy' : `${agentName(node)} changed nothing`;
    if (early === undefined) {
      dns = stepSkipped('dns', `not attempted: ${why}`);
      steps.push(dns);
    } else if (early.status === ResultStatus.OK) {
      dns = await undoEarlyRecord(deps, definition.name, previous, why);
      steps.push(dns);
    } else {
      dns = early;
    }
    edge = stepSkipped('edge_route', `not attempted: ${why}`);
    steps.push(edge);
    steps.push(
      stepSkipped('record', previous === undefined ? `nothing recorded: ${why}` : `placement on node ${previous.node} unchanged: ${why}`),
    );
  } else {
    // The record follows the placement: made even when a component failed to start, since the service lives here now.
    dns = early ?? (await pointServiceAt(deps.dns, definition.name, node));
    if (early === undefined) {
      steps.push(dns);
      lap('dns');
    }
    // Each public route is recorded (wanted) and set up on its edge node; a failed one stays recorded as missing.
    const edgeSteps = await setUpServiceEdgeRoutes(deps, definition, {
      allowedPublicDomains: options.allowedPublicDomains,
      timeoutMs: options.agentOperationTimeoutMs,
    });
    edge = edgeSummary(edgeSteps);
    steps.push(...edgeSteps);
    lap('edge_route');
    // Recorded even when a component failed to start: the agent has recorded this definition as desired state,
    // so the service lives on this node and a retry must come back here (Status shows the drift).
    const placement: PlacementRecord = {
      service: definition.name,
      node: node.name,
      tier: placementTier(definition),
      spec,
      deployedAt: deps.clock.now(),
    };
    deps.store.putPlacement(placement);
    steps.push(stepOk('record', `placement recorded: service ${definition.name} on node ${node.name}`));
    lap('record');
  }

  const error = firstFailure(steps);
  const summary = steps.map((step) => `${step.step}=${ResultStatus[step.status]}`);
  (error === undefined ? log.info.bind(log) : log.warn.bind(log))({ node: node.name, steps: summary, stepMs, ...(error === undefined ? {} : { error }) }, 'deploy finished');
  return create(MasterDeployResponseSchema, {
    node: node.name,
    success: error === undefined,
    error: error ?? '',
    deployResult: deployed,
    edgeRouteResult: edge,
    dnsResult: dns,
    steps,
    components,
  });
}

/** Deploys under the service's lock; a second deploy of the same service waits and then sees this one's placement. */
export function deployChecked(deps: MasterDeps, checked: CheckedDeploy, options: FleetOptions = DEFAULT_FLEET_OPTIONS): Promise<MasterDeployResponse> {
  return serviceLocksFor(deps.store).run(checked.definition.name, () => deployLocked(deps, checked, options));
}

/** Master Deploy: bad input → InvalidArgument, cannot place → FailedPrecondition, agent unreachable → Unavailable. */
export async function deployService(deps: MasterDeps, input: DeployInput, options: FleetOptions = DEFAULT_FLEET_OPTIONS): Promise<MasterDeployResponse> {
  return deployChecked(deps, checkDeployInput(input, options), options);
}
