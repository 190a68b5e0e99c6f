// Child process of export-throughput.bench.ts: exports a directory the agent's way (exportArchive: tar-stream
// piped to the zstd binary, SQLite files through VACUUM INTO) into nowhere, and reports bytes, time and memory.
import { readFile } from 'node:fs/promises';
import { performance } from 'node:perf_hooks';
import { exportArchive } from '../src/service-data/export-archive.js';

async function peakRssBytes(): Promise<number> {
  const status = await readFile('/proc/self/status', 'utf8');
  const kib = /VmHWM:\s+(\d+) kB/.exec(status)?.[1];
  return kib === undefined ? process.memoryUsage().rss : Number(kib) * 1024;
}

const [serviceDir, scratchDir] = process.argv.slice(2);
if (serviceDir === undefined || scratchDir === undefined) throw new Error('usage: export-worker <service dir> <scratch dir>');
const rssBefore = process.memoryUsage().rss;
const started = performance.now();
const archive = exportArchive({ serviceDir, scratchDir, method: { kind: 'full' }, excludes: [] });
let archiveBytes = 0;
for await (const chunk of archive.chunks) archiveBytes += chunk.byteLength;
const seconds = (performance.now() - started) / 1000;
process.stdout.write(`${JSON.stringify({ seconds, archiveBytes, files: archive.stats.files, rssBefore, peakRss: await peakRssBytes() })}\n`);
