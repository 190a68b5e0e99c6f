// Migrate (SPEC §8): move a service and its /srv/<service>/ data to another node, step by step, reporting each step
// as it ends; a failure after the stop starts the service on its source again, so a failed migrate never leaves it down.
import { create } from '@bufbuild/protobuf';
import {
  ImportServiceDataRequestSchema,
  MigrateResponseSchema,
  ResultStatus,
  ServiceMigrationSchema,
  type ExportServiceDataResponse,
  type ServiceMigration,
  type StepResult,
  type TransferProgress,
} from '@mcp/proto';
import { createHash } from 'node:crypto';
import { agentName } from '../agent-calls.js';
import { refreshServiceEdgeRoutes } from '../edge-routes.js';
import { pointServiceAt } from '../service-dns.js';
import type { MasterDeps, NodeRecord, PlacementRecord } from '../deps.js';
import { FleetError } from '../fleet-errors.js';
import { serviceLocksFor } from '../service-lock.js';
import { checkServiceName } from '../spec-input.js';
import { callErrorText, stepFailed, stepOk, stepSkipped } from '../step-results.js';
import { progressMeter, snapshotPath, storedArchiveChunks, verifyStoredArchive } from './archive-files.js';
import type { SnapshotSettings } from './take-snapshot.js';

export interface MigrateInput {
  readonly service: string;
  readonly target: string;
  readonly force: boolean;
  readonly all: boolean;
  readonly source: string;
}

export interface MigrateEvents {
  /** A step of one service ended (named `<service>/<step>`). */
  step(step: StepResult): void;
  progress(progress: Omit<TransferProgress, '$typeName' | '$unknown'>): void;
}

const NO_EVENTS: MigrateEvents = { step: () => undefined, progress: () => undefined };


/** The target must be a known, healthy, non-edge node. */
function checkTarget(deps: MasterDeps, target: string): NodeRecord {
  if (target === '') throw new FleetError('invalid-argument', 'target_node: is empty; expected the name of the node to move to (--to)');
  const node = deps.store.findNode(target);
  if (node === undefined) throw new FleetError('not-found', `target_node: node ${target} is not registered (mcp node list shows the nodes)`);
  if (node.role === 'edge') throw new FleetError('failed-precondition', `target_node: ${target} is an edge node: edge nodes run no application services`);
  if (node.status === 'unhealthy') throw new FleetError('failed-precondition', `target_node: ${target} is unhealthy: it takes no new services until it heartbeats again`);
  return node;
}

/** Why this placed service cannot move to `target`, or undefined. */
function refusalOf(placement: PlacementRecord, target: NodeRecord): string | undefined {
  const { spec } = placement;
  if (spec.tier === 'core' && spec.node === '') return `service ${placement.service} is a core service (tier = "core"): it stays on the master node`;
  if (spec.node !== '' && spec.node !== target.name) {
    return `service ${placement.service} is pinned to node ${spec.node} by its definition (node = "${spec.node}"); change the definition to move it`;
  }
  if (placement.node === target.name) return `service ${placement.service} is already on node ${target.name}`;
  return undefined;
}

class ServiceMove {
  readonly steps: StepResult[] = [];
  snapshotFilename = '';

  constructor(readonly service: string, private readonly events: MigrateEvents) {}

  record(step: StepResult): StepResult {
    this.steps.push(step);
    this.events.step({ ...step, step: `${this.service}/${step.step}` });
    return step;
  }
}

async function isAlive(deps: MasterDeps, node: NodeRecord | undefined): Promise<{ alive: boolean; why: string }> {
  if (node === undefined) return { alive: false, why: 'the node is not registered any more' };
  try {
    await deps.agents.forAddress(node.address).healthCheck({}, { timeoutMs: deps.agentTimeoutMs });
    return { alive: true, why: '' };
  } catch (error) {
    return { alive: false, why: `${agentName(node)} did not answer a health check (${callErrorText(error)})` };
  }
}

/** The export stream's data, hashed as it passes and checked against its summary before the stream is let end. */
async function* exportedData(frames: AsyncIterable<ExportServiceDataResponse>, failure: { export?: unknown }, onBytes: (bytes: number) => void) {
  const hash = createHash('sha256');
  const meter = progressMeter(onBytes);
  let summary;
  try {
    for await (const frame of frames) {
      if (frame.data.byteLength > 0) {
        hash.update(frame.data);
        meter.add(frame.data.byteLength);
        yield frame.data;
      }
      if (frame.summary !== undefined) summary = frame.summary;
    }
    const sha256 = hash.digest('hex');
    if (summary === undefined) throw new Error('the export stream ended without its summary frame');
    if (summary.sha256 !== sha256) throw new Error(`the archive received (sha256 ${sha256}) is not what the agent sent (sha256 ${summary.sha256})`);
    meter.end();
  } catch (error) {
    failure.export = error;
    throw error;
  }
}

async function* importFrames(service: string, force: boolean, data: AsyncIterable<Uint8Array>) {
  yield create(ImportServiceDataRequestSchema, { service, force });
  for await (const chunk of data) yield create(ImportServiceDataRequestSchema, { data: chunk });
}

interface MoveContext {
  readonly deps: MasterDeps;
  readonly settings: SnapshotSettings;
  readonly placement: PlacementRecord;
  readonly source: NodeRecord | undefined;
  readonly target: NodeRecord;
  readonly force: boolean;
  readonly move: ServiceMove;
  readonly events: MigrateEvents;
}

/** Export (or the latest snapshot) piped into the target's import; records the export and import steps. */
async function transferData(context: MoveContext, sourceAlive: boolean, deadWhy: string): Promise<boolean> {
  const { deps, settings, placement, target, move } = context;
  const service = placement.service;
  const timeoutMs = settings.transferTimeoutMs;
  const progress = (step: string, totalBytes = 0) => (bytes: number) =>
    context.events.progress({ serviceName: service, step, bytes: BigInt(bytes), totalBytes: BigInt(totalBytes) });
  let data: AsyncIterable<Uint8Array>;
  const failure: { export?: unknown } = {};
  let exportDetail: string;
  if (sourceAlive && context.source !== undefined) {
    const frames = deps.agents.forAddress(context.source.address).exportServiceData({ service, skipServiceStep: true }, { timeoutMs });
    data = exportedData(frames, failure, progress('export'));
    exportDetail = `exported live from ${agentName(context.source)} (service stopped)`;
  } else {
    const latest = deps.store.listSnapshots(service)[0];
    if (latest === undefined) {
      move.record(stepFailed('export', `the source is unreachable (${deadWhy}) and no snapshot of service ${service} is stored: nothing to move`));
      return false;
    }
    const path = snapshotPath(settings.dir, service, latest.filename);
    try {
      await verifyStoredArchive(path, latest);
    } catch (error) {
      move.record(stepFailed('export', `the source is unreachable and the latest snapshot cannot be used: ${callErrorText(error)}`));
      return false;
    }
    move.snapshotFilename = latest.filename;
    data = storedArchiveChunks(path, progress('import', latest.sizeBytes));
    exportDetail =
      `source unreachable (${deadWhy}): using the latest stored snapshot ${latest.filename} taken ${latest.createdAt.toISOString()} ` +
      `on node ${latest.node}; changes after it are not in it`;
  }
  try {
    const answer = await deps.agents.forAddress(target.address).importServiceData(importFrames(service, context.force, data), { timeoutMs });
    move.record(stepOk('export', exportDetail));
    move.record(stepOk('import', `${answer.files} files, ${answer.bytesWritten} bytes restored into /srv/${service}/ on ${agentName(target)}`));
    return true;
  } catch (error) {
    if (failure.export !== undefined) {
      move.record(stepFailed('export', `export from the source failed: ${callErrorText(failure.export)}`));
      move.record(stepSkipped('import', 'not completed: the export failed, the target discarded what it had received'));
    } else {
      move.record(stepOk('export', exportDetail));
      move.record(stepFailed('import', `${agentName(target)} refused the data: ${callErrorText(error)}`));
    }
    return false;
  }
}

// no_pull: the image is pulled only when the target lacks it (a moved service keeps its version).
async function deployOnTarget(context: MoveContext): Promise<boolean> {
  const { deps, placement, target, move } = context;
  try {
    const answer = await deps.agents
      .forAddress(target.address)
      .deploy({ service: placement.spec, component: '', noPull: true }, { timeoutMs: context.settings.transferTimeoutMs });
    if (answer.success) {
      move.record(stepOk('deploy', `${answer.results.map((result) => result.name).join(', ')} running on ${agentName(target)}`));
      return true;
    }
    const why = answer.results.filter((result) => !result.success).map((result) => `${result.name}: ${result.error}`).join('; ');
    move.record(stepFailed('deploy', `on ${agentName(target)}: ${why || 'the agent reported a failure'}`));
  } catch (error) {
    move.record(stepFailed('deploy', `${agentName(target)} did not deploy it: ${callErrorText(error)}`));
  }
  // Nothing half-deployed stays behind on the target (its data stays, so a retry needs --force).
  try {
    await deps.agents.forAddress(target.address).undeployService({ service: placement.service }, { timeoutMs: context.settings.transferTimeoutMs });
    move.record(stepOk('cleanup_target', `what was deployed on ${agentName(target)} was removed; /srv/${placement.service}/ stays there`));
  } catch (error) {
    move.record(stepFailed('cleanup_target', `could not remove the failed deploy from ${agentName(target)}: ${callErrorText(error)}`));
  }
  return false;
}

/**
 * After a failure past the stop: the service runs on its source again. Started when it was only stopped; deployed
 * again from its recorded definition when the cleanup had already removed it (its data is still there).
 */
async function restartSource(context: MoveContext): Promise<void> {
  const { deps, source, move, placement } = context;
  if (source === undefined) return;
  const service = placement.service;
  const cleaned = move.steps.some((step) => step.step === 'cleanup' && step.status === ResultStatus.OK);
  const client = deps.agents.forAddress(source.address);
  const timeoutMs = context.settings.transferTimeoutMs;
  try {
    if (cleaned) {
      const answer = await client.deploy({ service: placement.spec, component: '', noPull: true }, { timeoutMs });
      if (!answer.success) throw new Error(answer.results.filter((result) => !result.success).map((result) => `${result.name}: ${result.error}`).join('; '));
      move.record(stepOk('restart_source', `service ${service} deployed again on ${agentName(source)} with its data there`));
    } else {
      await client.startService({ service }, { timeoutMs });
      move.record(stepOk('restart_source', `service ${service} started again on ${agentName(source)}`));
    }
  } catch (error) {
    move.record(stepFailed('restart_source', `service ${service} could not be started again on ${agentName(source)}: ${callErrorText(error)}`));
  }
}

async function migrateOneLocked(deps: MasterDeps, settings: SnapshotSettings, input: { service: string; target: NodeRecord; force: boolean }, events: MigrateEvents): Promise<ServiceMigration> {
  const { service, target } = input;
  const move = new ServiceMove(service, events);
  const placement = deps.store.findPlacement(service);
  const result = (status: ResultStatus, error = '', source = placement?.node ?? '') =>
    create(ServiceMigrationSchema, { serviceName: service, sourceNode: source, targetNode: target.name, status, error, steps: move.steps, snapshotFilename: move.snapshotFilename });
  if (placement === undefined) {
    const error = `service ${service} is not placed: the master has no placement for it (mcp status lists placed services)`;
    move.record(stepFailed('validate', error));
    return result(ResultStatus.FAILED, error);
  }
  const refusal = refusalOf(placement, target);
  if (refusal !== undefined) {
    move.record(stepFailed('validate', refusal));
    return result(ResultStatus.FAILED, refusal);
  }
  const source = deps.store.findNode(placement.node);
  const health = await isAlive(deps, source);
  move.record(stepOk('validate', `from node ${placement.node} (${health.alive ? 'answering' : 'unreachable'}) to node ${target.name}`));
  const context: MoveContext = { deps, settings, placement, source: health.alive ? source : undefined, target, force: input.force, move, events };
  const fail = async (): Promise<ServiceMigration> => {
    if (health.alive) await restartSource(context);
    const failed = move.steps.find((step) => step.status === ResultStatus.FAILED);
    return result(ResultStatus.FAILED, failed === undefined ? 'migration failed' : `${failed.step}: ${failed.error}`);
  };

  if (health.alive && source !== undefined) {
    try {
      await deps.agents.forAddress(source.address).stopService({ service }, { timeoutMs: settings.transferTimeoutMs });
      move.record(stepOk('stop', `stopped on ${agentName(source)}`));
    } catch (error) {
      move.record(stepFailed('stop', `could not stop it on ${agentName(source)}: ${callErrorText(error)}`));
      return fail();
    }
  } else {
    move.record(stepSkipped('stop', `source unreachable: ${health.why}`));
  }
  if (!(await transferData(context, health.alive, health.why))) return fail();
  // The source is cleaned before the target deploys: container names are unique per host, and nodes of a fleet on
  // one machine share one. Its /srv/<service>/ stays, so a failure from here on deploys the service there again.
  if (health.alive && source !== undefined) {
    try {
      await deps.agents.forAddress(source.address).undeployService({ service }, { timeoutMs: settings.transferTimeoutMs });
      move.record(stepOk('cleanup', `containers and ports removed from ${agentName(source)}; /srv/${service}/ stays there as a copy`));
    } catch (error) {
      move.record(stepFailed('cleanup', `could not remove it from ${agentName(source)}: ${callErrorText(error)}`));
      return fail();
    }
  } else {
    move.record(stepSkipped('cleanup', `source unreachable: when node ${placement.node} returns, its agent still holds the service; remove it there (mcp status reports it as an orphan)`));
  }
  // The record follows the service before the target deploys: the target's certificate of `<service>.<zone>` is
  // validated by resolving that name to it. A DNS failure does not stop the move (the step says so, and the master's
  // repair loop points the record at the placement below); a failed deploy points it back at the source.
  const dns = await pointServiceAt(deps.dns, service, target);
  move.record(dns);
  if (!(await deployOnTarget(context))) {
    if (dns.status === ResultStatus.OK && health.alive && source !== undefined) {
      const back = await pointServiceAt(deps.dns, service, source);
      move.record(back.status === ResultStatus.OK ? stepOk('dns', `${back.detail}: the record points at the source again`) : back);
    }
    return fail();
  }
  // The edge sets each public route up again, resolving the internal name anew; a failure is reported, the route
  // stays recorded (reconciliation reports it missing until a deploy or sync sets it up).
  const edgeSteps = await refreshServiceEdgeRoutes(deps, service, settings.transferTimeoutMs);
  if (edgeSteps.length === 0) move.record(stepSkipped('edge_route', 'no edge routes recorded'));
  for (const step of edgeSteps) move.record(step);
  deps.store.putPlacement({ ...placement, node: target.name, deployedAt: deps.clock.now() });
  move.record(stepOk('placement', `service ${service} is placed on node ${target.name}`));
  return result(ResultStatus.OK);
}

/** The services `--all --from X` moves: every service placed on X, by name. */
function servicesOn(deps: MasterDeps, source: string): PlacementRecord[] {
  if (source === '') throw new FleetError('invalid-argument', 'source_node: is empty; --all needs the node to evacuate (--from)');
  if (deps.store.findNode(source) === undefined) throw new FleetError('not-found', `source_node: node ${source} is not registered`);
  return deps.store.listPlacements().filter((placement) => placement.node === source);
}

/** Migrate or MigrateStream: one service, or `all` of a node's in turn, stopping at the first failure. */
export async function migrateServices(
  deps: MasterDeps,
  settings: SnapshotSettings,
  input: MigrateInput,
  events: MigrateEvents = NO_EVENTS,
) {
  const target = checkTarget(deps, input.target);
  const migrations: ServiceMigration[] = [];
  const locks = serviceLocksFor(deps.store);
  const moveOne = (service: string) => locks.run(service, () => migrateOneLocked(deps, settings, { service, target, force: input.force }, events));
  if (!input.all) {
    if (input.source !== '' && deps.store.findPlacement(input.service)?.node !== input.source) {
      const where = deps.store.findPlacement(input.service)?.node ?? 'no node';
      throw new FleetError('invalid-argument', `source_node: service ${input.service} is on ${where}, not on ${input.source}`);
    }
    const service = checkServiceName('service_name', input.service);
    const placement = deps.store.findPlacement(service);
    if (placement === undefined) throw new FleetError('not-found', `service ${service} is not placed: the master has no placement for it (mcp status lists placed services)`);
    const refusal = refusalOf(placement, target);
    if (refusal !== undefined) throw new FleetError('failed-precondition', refusal);
    migrations.push(await moveOne(service));
  } else {
    if (input.service !== '') throw new FleetError('invalid-argument', 'service_name: must be empty with --all (every service of --from moves)');
    let failed = false;
    for (const placement of servicesOn(deps, input.source)) {
      const skip = failed ? 'not attempted: an earlier migration failed' : refusalOf(placement, target);
      if (skip !== undefined) {
        migrations.push(create(ServiceMigrationSchema, { serviceName: placement.service, sourceNode: placement.node, targetNode: target.name, status: ResultStatus.SKIPPED, error: '', steps: [stepSkipped('validate', skip)] }));
        continue;
      }
      const migration = await moveOne(placement.service);
      migrations.push(migration);
      failed = migration.status === ResultStatus.FAILED;
    }
  }
  const failure = migrations.find((migration) => migration.status === ResultStatus.FAILED);
  return create(MigrateResponseSchema, {
    success: failure === undefined,
    error: failure === undefined ? '' : `${failure.serviceName}: ${failure.error}`,
    services: migrations,
    results: migrations.flatMap((migration) => migration.steps.map((step) => ({ ...step, step: `${migration.serviceName}/${step.step}` }))),
  });
}
