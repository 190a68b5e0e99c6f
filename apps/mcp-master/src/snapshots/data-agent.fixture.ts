// A scripted agent that holds service data, for the master's snapshot, restore, schedule and migrate tests: it
// exports ARCHIVE (in two frames, then its summary), records what it is asked to import, and answers the lifecycle calls.
import { create } from '@bufbuild/protobuf';
import { Code, ConnectError } from '@connectrpc/connect';
import { ExportServiceDataResponseSchema, ImportServiceDataResponseSchema, type ImportServiceDataRequest } from '@mcp/proto';
import { createHash } from 'node:crypto';
import type { AgentScript } from '../testing/scripted-agents.js';

export const ARCHIVE = Buffer.from('pretend this is a tar.zst of /srv/mcq/');
export const sha256 = (data: Uint8Array) => createHash('sha256').update(data).digest('hex');

export interface DataAgentOptions {
  /** The import fails with AlreadyExists and this message (after reading every frame). */
  readonly refuseImport?: string;
  /** Lifecycle and data calls in order: `StopService <svc>`, `Export <svc>`, `Import <svc> force=<bool>`, `StartService <svc>`. */
  readonly calls?: string[];
}

export function dataAgent(received: Buffer[], options: DataAgentOptions = {}): AgentScript {
  const calls = options.calls ?? [];
  return {
    healthCheck: () => ({ status: 'healthy', containers: 1 }),
    stopService: (request) => {
      calls.push(`StopService ${request.service}`);
      return { success: true };
    },
    startService: (request) => {
      calls.push(`StartService ${request.service}`);
      return { success: true };
    },
    async *exportServiceData(request) {
      calls.push(`Export ${request.service}`);
      yield create(ExportServiceDataResponseSchema, { data: ARCHIVE.subarray(0, 10) });
      yield create(ExportServiceDataResponseSchema, { data: ARCHIVE.subarray(10) });
      yield create(ExportServiceDataResponseSchema, { summary: { sizeBytes: BigInt(ARCHIVE.byteLength), sha256: sha256(ARCHIVE), files: 1 } });
    },
    async importServiceData(requests: AsyncIterable<ImportServiceDataRequest>) {
      const chunks: Uint8Array[] = [];
      let header: ImportServiceDataRequest | undefined;
      for await (const request of requests) {
        header ??= request;
        chunks.push(request.data);
      }
      calls.push(`Import ${header?.service ?? '?'} force=${String(header?.force ?? false)}`);
      if (options.refuseImport !== undefined) throw new ConnectError(options.refuseImport, Code.AlreadyExists);
      received.push(Buffer.concat(chunks));
      return create(ImportServiceDataResponseSchema, { files: 1, bytesWritten: 10n, archiveBytes: BigInt(ARCHIVE.byteLength) });
    },
  };
}
