// RestoreSnapshot: a stored snapshot put back in place on the service's node (stop, import with force, start).
import { create } from '@bufbuild/protobuf';
import { ImportServiceDataRequestSchema, RestoreSnapshotResultSchema, type StepResult, type TransferProgress } from '@mcp/proto';
import { agentName } from '../agent-calls.js';
import type { MasterDeps } from '../deps.js';
import { FleetError } from '../fleet-errors.js';
import { serviceLocksFor } from '../service-lock.js';
import { checkServiceName } from '../spec-input.js';
import { callErrorText, firstFailure, stepFailed, stepOk } from '../step-results.js';
import { snapshotPath, storedArchiveChunks, verifyStoredArchive } from './archive-files.js';
import { snapshotInfoOf, type SnapshotSettings } from './take-snapshot.js';

export interface RestoreEvents {
  step(step: StepResult): void;
  progress(progress: Omit<TransferProgress, '$typeName' | '$unknown'>): void;
}


async function restoreLocked(deps: MasterDeps, settings: SnapshotSettings, request: { service: string; filename: string }, events: RestoreEvents) {
  const { service } = request;
  const placement = deps.store.findPlacement(service);
  if (placement === undefined) throw new FleetError('not-found', `service ${service} is not placed: restore puts data back on the node it runs on`);
  const node = deps.store.findNode(placement.node);
  if (node === undefined) throw new FleetError('failed-precondition', `service ${service} is placed on node ${placement.node}, which is not registered`);
  const snapshots = deps.store.listSnapshots(service);
  const snapshot = request.filename === '' ? snapshots[0] : snapshots.find((candidate) => candidate.filename === request.filename);
  if (snapshot === undefined) {
    const listed = snapshots.slice(0, 3).map((candidate) => candidate.filename).join(', ');
    throw new FleetError(
      'not-found',
      request.filename === ''
        ? `service ${service} has no stored snapshot (mcp snapshot ${service} takes one)`
        : `snapshot ${request.filename} of service ${service} is not in the catalogue; ${listed === '' ? 'none is stored' : `the newest: ${listed}`}`,
    );
  }
  const path = snapshotPath(settings.dir, service, snapshot.filename);
  await verifyStoredArchive(path, snapshot);
  const client = deps.agents.forAddress(node.address);
  const timeoutMs = settings.transferTimeoutMs;
  const steps: StepResult[] = [];
  const record = (step: StepResult) => {
    steps.push(step);
    events.step(step);
  };
  try {
    await client.stopService({ service }, { timeoutMs });
    record(stepOk('stop', `stopped on ${agentName(node)}`));
  } catch (error) {
    record(stepFailed('stop', `could not stop it on ${agentName(node)}: ${callErrorText(error)}`));
  }
  if (firstFailure(steps) === undefined) {
    async function* frames() {
      yield create(ImportServiceDataRequestSchema, { service, force: true });
      const report = (bytes: number) => events.progress({ serviceName: service, step: 'restore', bytes: BigInt(bytes), totalBytes: BigInt(snapshot?.sizeBytes ?? 0) });
      for await (const data of storedArchiveChunks(path, report)) yield create(ImportServiceDataRequestSchema, { data });
    }
    try {
      const answer = await client.importServiceData(frames(), { timeoutMs });
      record(stepOk('import', `${answer.files} files from ${snapshot.filename} restored into /srv/${service}/ on ${agentName(node)}`));
    } catch (error) {
      record(stepFailed('import', `${agentName(node)} refused the data (its old data is untouched): ${callErrorText(error)}`));
    }
  }
  // Started whatever happened: a failed restore leaves the service running on its old data.
  try {
    await client.startService({ service }, { timeoutMs });
    record(stepOk('start', `started on ${agentName(node)}`));
  } catch (error) {
    record(stepFailed('start', `could not start it on ${agentName(node)}: ${callErrorText(error)}`));
  }
  const error = firstFailure(steps);
  deps.log.child({ rpc: 'RestoreSnapshot', service }).info({ node: node.name, filename: snapshot.filename, error }, 'restore finished');
  return create(RestoreSnapshotResultSchema, { success: error === undefined, error: error ?? '', snapshot: snapshotInfoOf(snapshot), node: node.name, steps });
}

export function restoreSnapshot(deps: MasterDeps, settings: SnapshotSettings, request: { service: string; filename: string }, events: RestoreEvents) {
  checkServiceName('service_name', request.service);
  return serviceLocksFor(deps.store).run(request.service, () => restoreLocked(deps, settings, request, events));
}
