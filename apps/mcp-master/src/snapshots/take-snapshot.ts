// CreateSnapshot (SPEC §8): the service's data exported by the agent of its node into the catalogue, then retention.
import { create } from '@bufbuild/protobuf';
import { ConnectError } from '@connectrpc/connect';
import { CreateSnapshotResponseSchema, SnapshotInfoSchema, type CreateSnapshotResponse, type StepResult } from '@mcp/proto';
import { rm } from 'node:fs/promises';
import { agentName, isUnreachable } from '../agent-calls.js';
import type { MasterDeps, SnapshotRecord } from '../deps.js';
import { FleetError } from '../fleet-errors.js';
import { serviceLocksFor } from '../service-lock.js';
import { checkServiceName } from '../spec-input.js';
import { callErrorText } from '../step-results.js';
import { receiveArchive, snapshotFilename, snapshotPath } from './archive-files.js';

export interface SnapshotSettings {
  /** `<data dir>/snapshots`. */
  readonly dir: string;
  /** Snapshots kept per service; older ones are removed after a new one is stored. */
  readonly retention: number;
  /** Deadline of one archive transfer from or to an agent, in ms. */
  readonly transferTimeoutMs: number;
}

export const DEFAULT_SNAPSHOT_RETENTION = 7;

export function snapshotInfoOf(record: SnapshotRecord) {
  return create(SnapshotInfoSchema, {
    serviceName: record.service,
    node: record.node,
    filename: record.filename,
    sizeBytes: BigInt(record.sizeBytes),
    createdAt: record.createdAt.toISOString(),
    sha256: record.sha256,
  });
}

/** Removes the service's snapshots beyond the newest `retention`, files first; returns how many went. */
export async function pruneSnapshots(deps: Pick<MasterDeps, 'store'>, settings: SnapshotSettings, service: string): Promise<number> {
  const stale = deps.store.listSnapshots(service).slice(settings.retention);
  for (const snapshot of stale) {
    await rm(snapshotPath(settings.dir, service, snapshot.filename), { force: true });
    deps.store.deleteSnapshot(service, snapshot.filename);
  }
  return stale.length;
}

/** Takes the snapshot; the caller holds the service's lock. */
export async function takeSnapshotLocked(
  deps: MasterDeps,
  settings: SnapshotSettings,
  service: string,
  onBytes?: (bytes: number) => void,
): Promise<CreateSnapshotResponse> {
  const placement = deps.store.findPlacement(service);
  if (placement === undefined) {
    throw new FleetError('not-found', `service ${service} is not placed: the master snapshots only placed services (mcp status lists them)`);
  }
  const node = deps.store.findNode(placement.node);
  if (node === undefined) throw new FleetError('failed-precondition', `service ${service} is placed on node ${placement.node}, which is not registered`);
  // Two snapshots within one millisecond (or a clock that stood still) still get names of their own.
  const taken = new Set(deps.store.listSnapshots(service).map((snapshot) => snapshot.filename));
  let createdAt = deps.clock.now();
  while (taken.has(snapshotFilename(createdAt))) createdAt = new Date(createdAt.getTime() + 1);
  const filename = snapshotFilename(createdAt);
  const path = snapshotPath(settings.dir, service, filename);
  const client = deps.agents.forAddress(node.address);
  let received;
  try {
    received = await receiveArchive(client.exportServiceData({ service }, { timeoutMs: settings.transferTimeoutMs }), path, onBytes);
  } catch (error) {
    if (isUnreachable(error)) {
      throw new FleetError('unavailable', `cannot snapshot service ${service}: ${agentName(node)} is unreachable (${ConnectError.from(error).rawMessage})`, { cause: error });
    }
    const why = callErrorText(error);
    throw new FleetError('failed-precondition', `cannot snapshot service ${service} on ${agentName(node)}: ${why}`, { cause: error });
  }
  const record: SnapshotRecord = { service, filename, node: node.name, sizeBytes: received.sizeBytes, sha256: received.sha256, createdAt };
  deps.store.putSnapshot(record);
  const pruned = await pruneSnapshots(deps, settings, service);
  deps.log.child({ rpc: 'CreateSnapshot', service }).info({ node: node.name, filename, sizeBytes: received.sizeBytes, pruned }, 'snapshot stored');
  const step: StepResult | undefined = received.summary.serviceStep;
  return create(CreateSnapshotResponseSchema, {
    filename,
    sizeBytes: BigInt(received.sizeBytes),
    snapshot: snapshotInfoOf(record),
    pruned,
    ...(step === undefined ? {} : { serviceStep: step }),
  });
}

/** CreateSnapshot under the service's lock (no deploy, undeploy or migrate of it meanwhile). */
export function takeSnapshot(
  deps: MasterDeps,
  settings: SnapshotSettings,
  service: string,
  onBytes?: (bytes: number) => void,
): Promise<CreateSnapshotResponse> {
  checkServiceName('service_name', service);
  return serviceLocksFor(deps.store).run(service, () => takeSnapshotLocked(deps, settings, service, onBytes));
}
