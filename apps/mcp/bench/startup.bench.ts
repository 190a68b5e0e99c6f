// CLI start-up: `mcp --version` and `mcp --direct ps` (one LiveCheck against a local gRPC agent over TLS) against a
// bare `node -e 0` in the same run. Targets (issue 11): ≤ 1.5× and ≤ 2.0× of the bare start at the median.
// For scale, two last lines time the floor of ps: a bare node:http2 client making the same LiveCheck call over TLS
// (no protobuf, no Connect, no CLI), which no CLI start-up can beat; and the same client reading its answer with the
// generated code (floor-protobuf.ts, bundled here as the CLI is), which no CLI built on protobuf-es can beat.
import { create } from '@bufbuild/protobuf';
import { LiveCheckResponseSchema } from '@mcp/proto';
import { comparisonLines, createTempDir, headerLine, interleaved, summarize, summaryLine, type LatencySummary } from '@mcp/testing';
import { build as esbuild } from 'esbuild';
import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { availableParallelism, loadavg } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { createTestPki, fakeAgentToken, startFakeAgent } from '../src/fake-agent.js';

const WARM_UPS = 3;
const RUNS = 30;
const TARGETS = { version: 1.5, ps: 2.0 } as const;

// One gRPC LiveCheck with node:http2 alone: TLS handshake, HTTP/2 session, an empty request, the whole answer.
const RAW_LIVE_CHECK = `
const http2 = require('node:http2');
const [address, caPath, token] = process.argv.slice(1);
const session = http2.connect('https://' + address, { ca: require('node:fs').readFileSync(caPath) });
const request = session.request({ ':method': 'POST', ':path': '/mcp.v1.McpAgentService/LiveCheck', 'content-type': 'application/grpc+proto', te: 'trailers', authorization: 'Bearer ' + token });
request.on('response', (headers) => { if (headers[':status'] !== 200) process.exitCode = 1; });
request.on('trailers', (trailers) => { if (trailers['grpc-status'] !== '0') process.exitCode = 1; });
request.on('data', () => {});
request.on('end', () => session.close());
request.on('error', (error) => { console.error(error.message); process.exitCode = 1; session.close(); });
request.end(Buffer.alloc(5));
`;

const repo = fileURLToPath(new URL('../../..', import.meta.url));
const bin = join(repo, 'apps/mcp/bin/mcp.js');

function run(args: readonly string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const start = performance.now();
    execFile(process.execPath, [...args], { cwd: repo, env: { ...process.env, MCP_CONFIG: '' } }, (error, _stdout, stderr) => {
      if (error !== null) reject(new Error(`node ${args.join(' ')} failed: ${stderr.trim() || error.message}`));
      else resolve(performance.now() - start);
    });
  });
}

async function build(): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    execFile(process.execPath, ['scripts/build-app.mjs', 'apps/mcp'], { cwd: repo }, (error, _stdout, stderr) =>
      error === null ? resolve() : reject(new Error(`building apps/mcp failed: ${stderr}`)),
    );
  });
}

/** floor-protobuf.ts, bundled as scripts/build-app.mjs bundles the CLI. */
async function bundleProtobufFloor(outfile: string): Promise<void> {
  await esbuild({
    entryPoints: [join(repo, 'apps/mcp/bench/floor-protobuf.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    logLevel: 'warning',
  });
}

function verdict(name: string, measured: LatencySummary, baseline: LatencySummary, target: number): string {
  const ratio = measured.medianMs / baseline.medianMs;
  return `${name}: ${ratio.toFixed(2)}× of node -e 0 at the median (target ≤ ${target.toFixed(1)}×): ${ratio <= target ? 'met' : 'NOT met'}`;
}

const dir = await createTempDir('mcp-bench-startup');
try {
  await build();
  const protobufFloor = join(dir.path, 'floor-protobuf.mjs');
  await bundleProtobufFloor(protobufFloor);
  const pki = await createTestPki(join(dir.path, 'pki'));
  const agent = await startFakeAgent({
    name: 'rift',
    pki,
    script: {
      liveCheck: () =>
        create(LiveCheckResponseSchema, {
          instances: [{ service: 'web', component: 'api', name: 'web-api', state: 'running', image: 'localhost/web:1.0', uptime: { seconds: 90n, nanos: 0 } }],
        }),
    },
  });
  const tokenPath = join(dir.path, 'token');
  await writeFile(tokenPath, `${fakeAgentToken}\n`, { mode: 0o600 });
  const config = join(dir.path, 'mcp.toml');
  await writeFile(
    config,
    ['[auth]', `token_path = "${tokenPath}"`, '[tls]', `ca_cert = "${pki.caPath}"`, '[[nodes]]', 'name = "rift"', `address = "${agent.address}"`, ''].join('\n'),
  );
  try {
    const [bare, version, ps, raw, rawProtobuf] = await interleaved(
      [
        () => run(['-e', '0']),
        () => run([bin, '--version']),
        () => run([bin, '--config', config, '--direct', 'ps']),
        () => run(['-e', RAW_LIVE_CHECK, agent.address, pki.caPath, fakeAgentToken]),
        () => run([protobufFloor, agent.address, pki.caPath, fakeAgentToken]),
      ],
      { count: RUNS, warmUps: WARM_UPS },
    );
    const summaries = { bare: summarize(bare ?? []), version: summarize(version ?? []), ps: summarize(ps ?? []), raw: summarize(raw ?? []), rawProtobuf: summarize(rawProtobuf ?? []) };
    console.log(`CLI start-up, ${RUNS} runs each after ${WARM_UPS} warm-ups, interleaved; ${availableParallelism()} CPUs, load ${loadavg()[0]?.toFixed(1)}`);
    console.log(headerLine());
    console.log(summaryLine('node -e 0 (baseline)', summaries.bare));
    console.log(summaryLine('mcp --version', summaries.version));
    for (const line of comparisonLines(summaries.version, summaries.bare)) console.log(line);
    console.log(summaryLine('mcp --direct ps (one LiveCheck over TLS)', summaries.ps));
    for (const line of comparisonLines(summaries.ps, summaries.bare)) console.log(line);
    console.log(summaryLine('floor of ps: node:http2 LiveCheck alone', summaries.raw));
    for (const line of comparisonLines(summaries.raw, summaries.bare)) console.log(line);
    console.log(summaryLine('floor with protobuf-es: the same, answer decoded', summaries.rawProtobuf));
    for (const line of comparisonLines(summaries.rawProtobuf, summaries.bare)) console.log(line);
    console.log(verdict('mcp --version', summaries.version, summaries.bare, TARGETS.version));
    console.log(verdict('mcp ps', summaries.ps, summaries.bare, TARGETS.ps));
  } finally {
    await agent.close();
  }
} finally {
  await dir.remove();
}
