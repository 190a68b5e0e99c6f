// Master Sync (SPEC §6): check every definition, plan, then (unless a dry run) apply the plan service by service.
import { create } from '@bufbuild/protobuf';
import {
  ResultStatus,
  StepResultSchema,
  SyncAction,
  SyncPlanItemSchema,
  SyncResponseSchema,
  type ServiceSpec,
  type StepResult,
  type SyncPlanItem,
  type SyncResponse,
} from '@mcp/proto';
import { checkDeployInput, deployChecked, DEFAULT_FLEET_OPTIONS, type CheckedDeploy, type FleetOptions, type PullRequest } from './deploy.js';
import type { MasterDeps } from './deps.js';
import { edgeRouteProblem } from './discrepancies.js';
import { askEdgeNodes, edgeSummary, setUpServiceEdgeRoutes } from './edge-routes.js';
import { FleetError } from './fleet-errors.js';
import { publicRoutesOf } from './public-routes.js';
import { serviceLocksFor } from './service-lock.js';
import { errorText } from './step-results.js';
import { planSync, type SyncActionName, type SyncPlanEntry } from './sync-plan.js';
import { undeployService } from './undeploy.js';

export interface SyncInput extends PullRequest {
  readonly specs: readonly ServiceSpec[];
  readonly dryRun: boolean;
}

const actions: Record<SyncActionName, SyncAction> = {
  deploy: SyncAction.DEPLOY,
  redeploy: SyncAction.REDEPLOY,
  undeploy: SyncAction.UNDEPLOY,
  unchanged: SyncAction.UNCHANGED,
};

/** Every definition checked at once (InvalidArgument listing every problem, each under `services[i]`). */
function checkAll(specs: readonly ServiceSpec[], options: FleetOptions): CheckedDeploy[] {
  const problems: string[] = [];
  const checked: CheckedDeploy[] = [];
  const firstIndex = new Map<string, number>();
  specs.forEach((spec, index) => {
    try {
      const one = checkDeployInput({ spec, component: '', noPull: false }, options, `services[${index}]`);
      const earlier = firstIndex.get(one.definition.name);
      if (earlier !== undefined) {
        problems.push(`services[${index}].name: service ${one.definition.name} is also at services[${earlier}]; expected each service once`);
      } else {
        firstIndex.set(one.definition.name, index);
        checked.push(one);
      }
    } catch (error) {
      if (!(error instanceof FleetError)) throw error;
      problems.push(error.message);
    }
  });
  if (problems.length > 0) throw new FleetError('invalid-argument', problems.join('\n'));
  return checked;
}

interface Outcome {
  readonly node: string;
  readonly success: boolean;
  readonly error: string;
  readonly steps: StepResult[];
}

async function apply(deps: MasterDeps, entry: SyncPlanEntry, pull: PullRequest, options: FleetOptions): Promise<Outcome> {
  try {
    if (entry.action === 'undeploy') {
      const answer = await undeployService(deps, entry.service, options);
      return { node: answer.node, success: answer.success, error: answer.error, steps: answer.steps };
    }
    if (entry.definition === undefined) throw new Error(`sync plan entry ${entry.service} has no definition`);
    const answer = await deployChecked(deps, { definition: entry.definition, component: '', ...pull }, options);
    return { node: answer.node, success: answer.success, error: answer.error, steps: answer.steps };
  } catch (error) {
    // One service that cannot be placed or whose node is down does not stop the others.
    if (!(error instanceof FleetError)) throw error;
    return { node: entry.node, success: false, error: errorText(error), steps: [] };
  }
}

/**
 * Unchanged services whose public routes are not all on their edge: a route never recorded (its setup failed
 * before an edge node could be chosen), or recorded and absent from its edge node's answer (or served with another
 * backend). Service name → why. A route whose edge node did not answer is left alone: nothing is known of it.
 */
async function missingEdgeRoutes(deps: MasterDeps, entries: readonly SyncPlanEntry[], options: FleetOptions): Promise<Map<string, string>> {
  const missing = new Map<string, string>();
  const candidates = entries.filter((entry) => entry.action === 'unchanged' && entry.definition !== undefined && publicRoutesOf(entry.definition).length > 0);
  if (candidates.length === 0 || options.allowedPublicDomains.length === 0) return missing;
  const records = deps.store.listEdgeRoutes();
  const answers = await askEdgeNodes(deps, deps.store.listNodes(), records);
  const answerOf = new Map(answers.map((answer) => [answer.node.name, answer]));
  for (const entry of candidates) {
    const reasons = publicRoutesOf(entry.definition as NonNullable<typeof entry.definition>).flatMap((route) => {
      const record = records.find((candidate) => candidate.hostname === route.hostname);
      if (record === undefined) return [`edge route ${route.hostname} is not set up`];
      const problem = edgeRouteProblem(record, answerOf.get(record.edgeNode));
      return problem === undefined ? [] : [problem];
    });
    if (reasons.length > 0) missing.set(entry.service, reasons.join('; '));
  }
  return missing;
}

/** Sets an unchanged service's public routes up again, under its lock (the containers are not touched). */
async function recreateEdgeRoutes(deps: MasterDeps, entry: SyncPlanEntry, options: FleetOptions): Promise<Outcome> {
  const definition = entry.definition;
  if (definition === undefined) throw new Error(`sync plan entry ${entry.service} has no definition`);
  const steps = await serviceLocksFor(deps.store).run(entry.service, () =>
    setUpServiceEdgeRoutes(deps, definition, { allowedPublicDomains: options.allowedPublicDomains, timeoutMs: options.agentOperationTimeoutMs }),
  );
  const summary = edgeSummary(steps);
  const failed = summary.status === ResultStatus.FAILED;
  return { node: entry.node, success: !failed, error: failed ? `edge_route: ${summary.error}` : '', steps };
}

function planItem(entry: SyncPlanEntry, outcome?: Outcome, status?: ResultStatus): SyncPlanItem {
  return create(SyncPlanItemSchema, {
    serviceName: entry.service,
    action: actions[entry.action],
    node: outcome?.node ?? entry.node,
    reason: entry.reason,
    status: status ?? ResultStatus.UNSPECIFIED,
    error: outcome?.error ?? '',
    steps: outcome?.steps ?? [],
  });
}

/**
 * Sync: a dry run returns the plan and changes nothing. A real run applies the plan in name order, each service
 * under its own lock (as a deploy or undeploy of it would be), carries on past a failed service and reports each.
 * An empty set of definitions is refused when services are placed: it would undeploy the whole fleet.
 */
export async function syncFleet(deps: MasterDeps, input: SyncInput, options: FleetOptions = DEFAULT_FLEET_OPTIONS): Promise<SyncResponse> {
  const checked = checkAll(input.specs, options);
  const placements = deps.store.listPlacements();
  if (checked.length === 0 && placements.length > 0 && !input.dryRun) {
    throw new FleetError(
      'invalid-argument',
      `services: is empty; a sync without definitions would undeploy all ${placements.length} placed service(s); ` +
        'expected at least one definition (use mcp undeploy to remove services)',
    );
  }
  const plan = planSync({
    definitions: checked.map((one) => one.definition),
    placements,
    nodes: deps.store.listNodes(),
    allowTcgVms: options.allowTcgVms,
  });
  const missingEdge = await missingEdgeRoutes(deps, plan, options);
  const withEdgeNote = (entry: SyncPlanEntry): SyncPlanEntry => {
    const why = missingEdge.get(entry.service);
    return why === undefined ? entry : { ...entry, reason: `${entry.reason}; ${why}: sync sets it up again` };
  };
  if (input.dryRun) {
    return create(SyncResponseSchema, { plan: plan.map((entry) => planItem(withEdgeNote(entry))), results: [], dryRun: true, success: true });
  }

  const log = deps.log.child({ rpc: 'Sync' });
  const items: SyncPlanItem[] = [];
  const results: StepResult[] = [];
  for (const entry of plan.map(withEdgeNote)) {
    if (entry.action === 'unchanged' && missingEdge.has(entry.service)) {
      const outcome = await recreateEdgeRoutes(deps, entry, options);
      const status = outcome.success ? ResultStatus.OK : ResultStatus.FAILED;
      items.push(planItem(entry, outcome, status));
      results.push(create(StepResultSchema, { step: entry.service, success: outcome.success, error: outcome.error, status, detail: 'edge routes' }));
      continue;
    }
    if (entry.action === 'unchanged') {
      items.push(planItem(entry, undefined, ResultStatus.SKIPPED));
      continue;
    }
    const outcome = await apply(deps, entry, { noPull: input.noPull, ...(input.pull === undefined ? {} : { pull: input.pull }) }, options);
    const status = outcome.success ? ResultStatus.OK : ResultStatus.FAILED;
    items.push(planItem(entry, outcome, status));
    results.push(create(StepResultSchema, { step: entry.service, success: outcome.success, error: outcome.error, status, detail: entry.action }));
  }
  const failed = results.filter((result) => !result.success).map((result) => result.step);
  (failed.length === 0 ? log.info.bind(log) : log.warn.bind(log))(
    { services: plan.length, acted: results.length, failed },
    failed.length === 0 ? 'sync finished' : 'sync finished with failures',
  );
  return create(SyncResponseSchema, { plan: items, results, dryRun: false, success: failed.length === 0 });
}
