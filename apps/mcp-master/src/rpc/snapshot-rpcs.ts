// CreateSnapshot(Stream), ListSnapshots, RestoreSnapshot, Migrate(Stream): the snapshot catalogue and migration.
import { create } from '@bufbuild/protobuf';
import {
  CreateSnapshotStreamResponseSchema,
  ListSnapshotsResponseSchema,
  MigrateStreamResponseSchema,
  RestoreSnapshotResponseSchema,
  TransferProgressSchema,
  type CreateSnapshotStreamResponse,
  type MigrateStreamResponse,
  type RestoreSnapshotResponse,
} from '@mcp/proto';
import type { HandlerGroup } from '../master-handlers.js';
import { checkServiceName } from '../spec-input.js';
import { eventStream } from '../snapshots/event-stream.js';
import { migrateServices } from '../snapshots/migrate.js';
import { restoreSnapshot } from '../snapshots/restore-snapshot.js';
import { snapshotInfoOf, takeSnapshot, type SnapshotSettings } from '../snapshots/take-snapshot.js';

export function createSnapshotRpcs(settings: SnapshotSettings): HandlerGroup {
  return (deps) => ({
    createSnapshot: (request) => takeSnapshot(deps, settings, request.serviceName),

    createSnapshotStream: (request) =>
      eventStream<CreateSnapshotStreamResponse, Awaited<ReturnType<typeof takeSnapshot>>>(
        (emit) =>
          takeSnapshot(deps, settings, request.serviceName, (bytes) =>
            emit(create(CreateSnapshotStreamResponseSchema, {
              event: { case: 'progress', value: create(TransferProgressSchema, { serviceName: request.serviceName, step: 'snapshot', bytes: BigInt(bytes) }) },
            })),
          ),
        (done) => create(CreateSnapshotStreamResponseSchema, { event: { case: 'done', value: done } }),
      ),

    listSnapshots: (request) => {
      const service = request.serviceName === '' ? undefined : checkServiceName('service_name', request.serviceName);
      return create(ListSnapshotsResponseSchema, { snapshots: deps.store.listSnapshots(service).map(snapshotInfoOf) });
    },

    restoreSnapshot: (request) =>
      eventStream<RestoreSnapshotResponse, Awaited<ReturnType<typeof restoreSnapshot>>>(
        (emit) =>
          restoreSnapshot(deps, settings, { service: request.serviceName, filename: request.filename }, {
            step: (step) => emit(create(RestoreSnapshotResponseSchema, { event: { case: 'step', value: step } })),
            progress: (progress) => emit(create(RestoreSnapshotResponseSchema, { event: { case: 'progress', value: create(TransferProgressSchema, progress) } })),
          }),
        (done) => create(RestoreSnapshotResponseSchema, { event: { case: 'done', value: done } }),
      ),

    migrate: (request) =>
      migrateServices(deps, settings, {
        service: request.serviceName,
        target: request.targetNode,
        force: request.force,
        all: request.all,
        source: request.sourceNode,
      }),

    migrateStream: (request) =>
      eventStream<MigrateStreamResponse, Awaited<ReturnType<typeof migrateServices>>>(
        (emit) =>
          migrateServices(
            deps,
            settings,
            { service: request.serviceName, target: request.targetNode, force: request.force, all: request.all, source: request.sourceNode },
            {
              step: (step) => emit(create(MigrateStreamResponseSchema, { event: { case: 'step', value: step } })),
              progress: (progress) => emit(create(MigrateStreamResponseSchema, { event: { case: 'progress', value: create(TransferProgressSchema, progress) } })),
            },
          ),
        (done) => create(MigrateStreamResponseSchema, { event: { case: 'done', value: done } }),
      ),
  });
}
