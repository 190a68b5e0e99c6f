// Validation time of a definition against its size: 250, 500 and 1,000 routes (and explicit ports), as a file
// and as a request, with the ratio to the smallest; linear validation doubles when the size doubles. Asserts nothing.
import { performance } from 'node:perf_hooks';
import { definitionFromRequest, definitionToProto, parseDefinition } from '../src/index.js';
import { findHostPortClashes } from '../src/host-port-clashes.js';
import { parsePortMapping, portMappingsClash, type PortMapping } from '../src/port-mapping.js';

const SIZES: readonly number[] = [250, 500, 1000];
const RUN_MS = 3_000;
const ROUNDS = 4;

function definitionText(routes: number, ports: number): string {
  const lines = ['name = "big"', '', '[[components]]', 'name = "app"', 'image = "localhost/app:1"'];
  lines.push(`ports = [${Array.from({ length: ports }, (_, i) => `"127.0.0.1:${20000 + i}:${1 + (i % 1000)}/tcp"`).join(', ')}]`);
  for (let i = 0; i < routes; i++) lines.push('', '[[components.routes]]', `name = "r${i}"`, `port = ${1000 + i}`, 'mode = "l4"');
  return `${lines.join('\n')}\n`;
}

/** CPU time of this process (user + system), in ms: what the work costs, whatever else the machine is doing. */
function cpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

/**
 * Times `run(size)` in blocks of consecutive calls of one size, the sizes taking turns for ROUNDS rounds (so load
 * on a shared machine falls on all sizes alike) after a warm-up round. Each call is measured in CPU time of this
 * process, which other processes disturb far less than wall time. Returns, per size, the fastest call and the
 * median, in ms: interference only ever adds time, so the ratios are taken from the fastest.
 */
function timeSizes(run: (size: number) => unknown): Map<number, { fastestMs: number; medianMs: number }> {
  const samples = new Map<number, number[]>(SIZES.map((size) => [size, []]));
  const blockMs = RUN_MS / (ROUNDS * SIZES.length);
  for (let round = -1; round < ROUNDS; round++) {
    for (const size of SIZES) {
      const blockEnd = performance.now() + blockMs;
      let calls = 0;
      while (performance.now() < blockEnd || calls < 3) {
        const before = cpuMs();
        run(size);
        if (round >= 0) samples.get(size)?.push(cpuMs() - before);
        calls++;
      }
    }
  }
  const figures = new Map<number, { fastestMs: number; medianMs: number }>();
  for (const [size, times] of samples) {
    times.sort((a, b) => a - b);
    figures.set(size, { fastestMs: times[0] ?? Number.NaN, medianMs: times[Math.floor(times.length / 2)] ?? Number.NaN });
  }
  return figures;
}

function table(title: string, run: (size: number) => unknown): void {
  const figures = timeSizes(run);
  console.log(`\n${title}`);
  console.log(`${'size'.padStart(8)}${'fastest'.padStart(12)}${'median'.padStart(12)}${'ratio to 250'.padStart(15)}${'per item'.padStart(12)}`);
  const baseline = figures.get(SIZES[0] ?? 0)?.fastestMs ?? Number.NaN;
  for (const size of SIZES) {
    const { fastestMs, medianMs } = figures.get(size) ?? { fastestMs: Number.NaN, medianMs: Number.NaN };
    console.log(
      `${String(size).padStart(8)}${`${fastestMs.toFixed(2)} ms`.padStart(12)}${`${medianMs.toFixed(2)} ms`.padStart(12)}` +
        `${`${(fastestMs / baseline).toFixed(2)}×`.padStart(15)}${`${((fastestMs / size) * 1000).toFixed(1)} µs`.padStart(12)}`,
    );
  }
}

function mustParse(text: string) {
  const result = parseDefinition(text, 'big.toml');
  if (!result.ok) throw new Error(result.problems.map((problem) => problem.message).join('\n'));
  return result.definition;
}

/** How the clash check worked before: every port compared with every earlier one. */
function pairwiseClashes(ports: readonly string[]): number {
  const seen: PortMapping[] = [];
  let clashes = 0;
  for (const port of ports) {
    const mapping = parsePortMapping(port);
    if (mapping === undefined) continue;
    if (seen.some((other) => portMappingsClash(other, mapping))) clashes++;
    seen.push(mapping);
  }
  return clashes;
}

console.log(`definition validation benchmark: CPU time per call, ~${RUN_MS} ms per case; linear means ratios near 2× and 4×`);
const texts = new Map(SIZES.map((size) => [size, definitionText(size, 0)]));
const portTexts = new Map(SIZES.map((size) => [size, definitionText(0, size)]));
const specs = new Map(SIZES.map((size) => [size, definitionToProto(mustParse(definitionText(size, 0)))]));
const portLists = new Map(SIZES.map((size) => [size, Array.from({ length: size }, (_, i) => `127.0.0.1:${20000 + i}:80`)]));
table('routes in one component, definition file (parseDefinition: TOML, caps, rules)', (size) => mustParse(texts.get(size) ?? ''));
table('routes in one component, request (definitionFromRequest: caps, rules)', (size) => {
  const spec = specs.get(size);
  if (spec !== undefined) definitionFromRequest(spec, 'service');
});
table('explicit ports in one component, definition file', (size) => mustParse(portTexts.get(size) ?? ''));
table('host-port clash check alone, one pass (now)', (size) => findHostPortClashes([{ ports: portLists.get(size) ?? [] }]));
table('host-port clash check alone, every pair (before; for comparison)', (size) => pairwiseClashes(portLists.get(size) ?? []));
