// Archive files of the snapshot catalogue: `<data dir>/snapshots/<service>/<UTC time>.tar.zst`, written from an
// agent's export stream (hashed as it passes, renamed into place only when whole) and read back as frames.
import type { ExportServiceDataResponse, ExportSummary } from '@mcp/proto';
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { FleetError } from '../fleet-errors.js';

/** Size of the data frames sent to an agent's ImportServiceData. */
export const IMPORT_FRAME_BYTES = 256 * 1024;
/** Progress is reported at most once per this many bytes (and at the end). */
export const PROGRESS_STEP_BYTES = 4 * 1024 * 1024;

/** `20261207T182523.123Z.tar.zst`: UTC, sortable, no characters a shell or another OS minds. */
export function snapshotFilename(at: Date): string {
  return `${at.toISOString().replace(/[-:]/g, '')}.tar.zst`;
}

const FILENAME = /^\d{8}T\d{6}\.\d{3}Z\.tar\.zst$/;

export function isSnapshotFilename(name: string): boolean {
  return FILENAME.test(name);
}

export function snapshotPath(dir: string, service: string, filename: string): string {
  return join(dir, service, filename);
}

/** Calls `report` with the running total at most once per PROGRESS_STEP_BYTES, and once at the end. */
export function progressMeter(report: ((bytes: number) => void) | undefined) {
  let total = 0;
  let reported = 0;
  return {
    add(bytes: number) {
      total += bytes;
      if (report !== undefined && total - reported >= PROGRESS_STEP_BYTES) {
        reported = total;
        report(total);
      }
    },
    end() {
      if (report !== undefined && reported !== total) report(total);
      return total;
    },
    get total() {
      return total;
    },
  };
}

export interface ReceivedArchive {
  readonly sizeBytes: number;
  readonly sha256: string;
  readonly summary: ExportSummary;
}

/**
 * Writes the archive of an export stream to `path`: through `<path>.partial`, renamed only when the stream ended with
 * a summary whose size and SHA-256 match the bytes received. Nothing is left behind on failure.
 */
export async function receiveArchive(
  frames: AsyncIterable<ExportServiceDataResponse>,
  path: string,
  onBytes?: (bytes: number) => void,
): Promise<ReceivedArchive> {
  const partial = `${path}.partial`;
  await mkdir(join(path, '..'), { recursive: true });
  const handle = await open(partial, 'w', 0o600);
  const hash = createHash('sha256');
  const meter = progressMeter(onBytes);
  let summary: ExportSummary | undefined;
  try {
    try {
      for await (const frame of frames) {
        if (frame.data.byteLength > 0) {
          await handle.write(frame.data);
          hash.update(frame.data);
          meter.add(frame.data.byteLength);
        }
        if (frame.summary !== undefined) summary = frame.summary;
      }
    } finally {
      await handle.close();
    }
    const sizeBytes = meter.end();
    const sha256 = hash.digest('hex');
    if (summary === undefined) throw new Error('the export stream ended without its summary frame: the archive may be incomplete');
    if (Number(summary.sizeBytes) !== sizeBytes || summary.sha256 !== sha256) {
      throw new Error(`the archive received (${sizeBytes} bytes, sha256 ${sha256}) is not what the agent sent (${summary.sizeBytes} bytes, sha256 ${summary.sha256})`);
    }
    await rename(partial, path);
    return { sizeBytes, sha256, summary };
  } catch (error) {
    await rm(partial, { force: true });
    throw error;
  }
}

/** Reads a stored archive whole and checks it against its recorded size and SHA-256 (before anything is sent). */
export async function verifyStoredArchive(path: string, expected: { sizeBytes: number; sha256: string }): Promise<void> {
  const hash = createHash('sha256');
  let size = 0;
  try {
    for await (const chunk of createReadStream(path)) {
      hash.update(chunk as Buffer);
      size += (chunk as Buffer).byteLength;
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new FleetError('failed-precondition', `snapshot file ${path} is missing: the catalogue lists it but the file is gone`, { cause: error });
    }
    throw error;
  }
  const sha256 = hash.digest('hex');
  if (size !== expected.sizeBytes || sha256 !== expected.sha256) {
    throw new FleetError(
      'failed-precondition',
      `snapshot file ${path} is damaged: ${size} bytes with sha256 ${sha256}, the catalogue recorded ${expected.sizeBytes} bytes with sha256 ${expected.sha256}`,
    );
  }
}

/** The archive file as data chunks for ImportServiceData frames. */
export async function* storedArchiveChunks(path: string, onBytes?: (bytes: number) => void): AsyncGenerator<Uint8Array> {
  const meter = progressMeter(onBytes);
  for await (const chunk of createReadStream(path, { highWaterMark: IMPORT_FRAME_BYTES })) {
    meter.add((chunk as Buffer).byteLength);
    yield chunk as Buffer;
  }
  meter.end();
}
