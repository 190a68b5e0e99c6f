// ExportServiceData / ImportServiceData (master-only, SPEC §8-9): /srv/<service>/ as a tar.zst stream, both ways.
import { create } from '@bufbuild/protobuf';
import {
  ExportServiceDataResponseSchema,
  ExportSummarySchema,
  ImportServiceDataResponseSchema,
  ResultStatus,
  StepResultSchema,
  type ImportServiceDataRequest,
  type SnapshotConfig,
} from '@mcp/proto';
import { createHash } from 'node:crypto';
import { lstat } from 'node:fs/promises';
import { join } from 'node:path';
import type { HandlerGroup } from '../agent-handlers.js';
import type { AgentDeps } from '../deps.js';
import { FailedPreconditionError, InvalidArgumentError, NotFoundError } from '../errors.js';
import { checkServiceName } from '../path-guard.js';
import { parseSnapshotMethod, type SnapshotMethod } from '../service-data/archive-selection.js';
import { exportArchive } from '../service-data/export-archive.js';
import { importArchive } from '../service-data/import-archive.js';
import { runServiceStep, type ServiceStepOutcome } from '../service-data/service-step.js';

export const DEFAULT_SERVICE_DATA_SETTINGS = Object.freeze({
  stepTimeoutMs: 60_000,
  maxEntryBytes: 64 * 1024 * 1024 * 1024,
});

const METHODS_EXPECTED = '"", "full", "grpc", "cli" or "exec: <command>"';

/** The request's snapshot config when it carries one, else the service's recorded one, else the default set. */
function snapshotConfigOf(deps: AgentDeps, service: string, requested: SnapshotConfig | undefined) {
  const config = requested === undefined
    ? deps.registry.findService(service)?.snapshot ?? { method: '', exclude: [] }
    : { method: requested.method, exclude: requested.excludes };
  const method: SnapshotMethod | undefined = parseSnapshotMethod(config.method);
  if (method === undefined) {
    throw new InvalidArgumentError({ field: 'snapshot.method', value: config.method, problem: 'is not a snapshot method', expected: METHODS_EXPECTED, service });
  }
  return { method, methodText: config.method.trim(), excludes: config.exclude };
}

async function serviceDirOf(deps: AgentDeps, service: string): Promise<string> {
  checkServiceName(service);
  const dir = join(deps.files.root, service);
  const stats = await lstat(dir).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return undefined;
    throw error;
  });
  if (stats === undefined || !stats.isDirectory()) {
    throw new NotFoundError({ resource: 'service directory', name: dir, where: `service "${service}" (nothing to export)` });
  }
  return dir;
}

function stepResult(outcome: ServiceStepOutcome) {
  const status = { ok: ResultStatus.OK, failed: ResultStatus.FAILED, skipped: ResultStatus.SKIPPED }[outcome.status];
  return create(StepResultSchema, {
    step: 'service_snapshot',
    success: outcome.status !== 'failed',
    status,
    ...(outcome.status === 'failed' ? { error: outcome.detail } : { detail: outcome.detail }),
  });
}

/** The data of every frame; the service name and force come from the first. */
async function* frameData(first: ImportServiceDataRequest, rest: AsyncIterator<ImportServiceDataRequest>): AsyncGenerator<Uint8Array> {
  if (first.data.byteLength > 0) yield first.data;
  for (let next = await rest.next(); next.done !== true; next = await rest.next()) {
    if (next.value.data.byteLength > 0) yield next.value.data;
  }
}

export const dataRpcs: HandlerGroup = (deps: AgentDeps) => {
  const settings = { ...DEFAULT_SERVICE_DATA_SETTINGS, ...deps.serviceData };
  const zstdPath = settings.zstdPath === undefined ? {} : { zstdPath: settings.zstdPath };

  return {
    async *exportServiceData(request) {
      const service = request.service;
      const serviceDir = await serviceDirOf(deps, service);
      const config = snapshotConfigOf(deps, service, request.snapshot);
      const log = deps.log.child({ rpc: 'ExportServiceData', service });
      const step = await runServiceStep(deps, service, { method: config.method, skip: request.skipServiceStep, timeoutMs: settings.stepTimeoutMs });
      if (step.status === 'failed') {
        throw new FailedPreconditionError(`service ${service}: its own snapshot step failed, so no archive was made: ${step.detail}`);
      }
      const archive = exportArchive({ serviceDir, scratchDir: deps.files.root, method: config.method, excludes: config.excludes, ...zstdPath });
      const hash = createHash('sha256');
      let sizeBytes = 0;
      for await (const chunk of archive.chunks) {
        hash.update(chunk);
        sizeBytes += chunk.byteLength;
        yield create(ExportServiceDataResponseSchema, { data: chunk });
      }
      for (const skipped of archive.stats.skipped) log.warn(skipped, 'left out of the archive');
      const summary = create(ExportSummarySchema, {
        sizeBytes: BigInt(sizeBytes),
        sha256: hash.digest('hex'),
        files: archive.stats.files,
        method: config.methodText,
        serviceStep: stepResult(step),
        databases: archive.stats.databases,
      });
      log.info({ sizeBytes, files: archive.stats.files, databases: archive.stats.databases.length }, 'service data exported');
      yield create(ExportServiceDataResponseSchema, { summary });
    },

    async importServiceData(requests) {
      const frames = requests[Symbol.asyncIterator]();
      const first = await frames.next();
      if (first.done === true) {
        throw new InvalidArgumentError({ field: 'service', value: '', problem: 'is missing: the stream carried no frame', expected: 'a first frame naming the service' });
      }
      const { service, force } = first.value;
      const stats = await importArchive({
        root: deps.files.root,
        service,
        force,
        chunks: frameData(first.value, frames),
        maxEntryBytes: settings.maxEntryBytes,
        ...zstdPath,
      });
      deps.log.child({ rpc: 'ImportServiceData', service }).info({ ...stats, force }, 'service data imported');
      return create(ImportServiceDataResponseSchema, {
        bytesWritten: BigInt(stats.bytesWritten),
        files: stats.files,
        archiveBytes: BigInt(stats.archiveBytes),
      });
    },
  };
};
