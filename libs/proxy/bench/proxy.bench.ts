// The node proxy on a real HAProxy 2.6 and Pebble: (1) route add → serving over the admin socket vs the same route
// written to files and a full (seamless) reload; (2) requests/s through an l7 route vs straight to the backend's host
// port, both for a backend process of its own (the proxy's own cost) and for busybox httpd in a podman container
// published on 127.0.0.1 the way the agent publishes a route's port; (3) the first certificate for a new hostname
// from the ACME CA. Figures only; nothing is asserted.
import { execFile, spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { Agent as HttpAgent, request as httpRequest, type ClientRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as delay } from 'node:timers/promises';
import { promisify } from 'node:util';
import { createAcmeIssuer, createCertificateStore, startHttp01Responder } from '@mcp/acme';
import { startPebble } from '@mcp/acme/testing';
import { createCertificateAuthority, issueCertificate } from '@mcp/tls';
import { comparisonLines, createTempDir, ensureBusyboxImage, freeLoopbackPort, headerLine, summarize, summaryLine, uniqueName } from '@mcp/testing';
import { certPath, crtListLine, crtListPath, l7MapPath, l7MapValue } from '../src/haproxy/config.js';
import { readLines, readMapFile, writeFileAtomic, writeLines, writeMapFile } from '../src/haproxy/files.js';
import { reloadHaproxy } from '../src/haproxy/process.js';
import { createHaproxyDriver, stopHaproxy } from '../src/index.js';
import { fetchThrough } from '../src/testing/index.js';

const RUNS = 15;
const LOAD_MS = 5000;
const CONCURRENCY = 8;
const CERT_RUNS = 5;

async function untilServing(port: number, hostname: string, caPem: string): Promise<void> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const ok = await fetchThrough({ address: '127.0.0.1', port, hostname, caPem }).then((answer) => answer.status === 200, () => false);
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`${hostname} not serving after 20 s`);
    await delay(1);
  }
}

/** A backend in its own process (so the load generator does not share its CPU): answers "ok". */
async function startBackendProcess(port: number): Promise<() => void> {
  const child = spawn(process.execPath, ['-e', `require('node:http').createServer((q, r) => r.end('ok')).listen(${port}, '127.0.0.1', () => console.log('up'))`], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
  return () => child.kill();
}

const run = promisify(execFile);

/** busybox httpd in a podman container, published on 127.0.0.1:<port> (as a route's host port): answers its index. */
async function startBackendContainer(port: number): Promise<() => Promise<unknown>> {
  const image = await ensureBusyboxImage();
  const name = uniqueName('proxy-bench');
  await run('podman', ['run', '-d', '--rm', '--name', name, '-p', `127.0.0.1:${port}:${port}`, image, 'httpd', '-f', '-p', String(port), '-h', '/www']);
  const deadline = Date.now() + 20_000;
  while (!(await get((callback) => httpRequest({ host: '127.0.0.1', port, path: '/', agent: false }, callback)).then(() => true, () => false))) {
    if (Date.now() > deadline) throw new Error(`container ${name} not answering on ${port} after 20 s`);
    await delay(20);
  }
  return () => run('podman', ['rm', '--force', '--time', '0', name]);
}

/** Requests/s straight to an HTTP port and through an l7 route naming `hostname` on `listener`. */
async function throughput(options: { port: number; listener: number; hostname: string; caPem: string }): Promise<{ direct: number; proxied: number }> {
  const httpsAgent = new HttpsAgent({ keepAlive: true, maxSockets: CONCURRENCY, ca: options.caPem });
  const httpAgent = new HttpAgent({ keepAlive: true, maxSockets: CONCURRENCY });
  try {
    const direct = await requestsPerSecond(() => get((callback) => httpRequest({ host: '127.0.0.1', port: options.port, path: '/', agent: httpAgent }, callback)));
    const proxied = await requestsPerSecond(() =>
      get((callback) =>
        httpsRequest({ host: '127.0.0.1', port: options.listener, servername: options.hostname, headers: { host: options.hostname }, path: '/', agent: httpsAgent }, callback),
      ),
    );
    return { direct, proxied };
  } finally {
    httpsAgent.destroy();
    httpAgent.destroy();
  }
}

/** Requests completed per second by CONCURRENCY keep-alive clients in LOAD_MS. */
async function requestsPerSecond(send: () => Promise<void>): Promise<number> {
  let done = 0;
  const end = performance.now() + LOAD_MS;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (performance.now() < end) {
        await send();
        done += 1;
      }
    }),
  );
  return done / (LOAD_MS / 1000);
}

function get(make: (callback: (response: IncomingMessage) => void) => ClientRequest): Promise<void> {
  return new Promise((resolve, reject) => {
    const request = make((response) => {
      response.resume();
      response.on('end', () => (response.statusCode === 200 ? resolve() : reject(new Error(`HTTP ${response.statusCode ?? 0}`))));
    });
    request.on('error', reject);
    request.end();
  });
}

async function main(): Promise<void> {
  const temp = await createTempDir('mcp-proxy-bench');
  const undo: (() => Promise<unknown> | void)[] = [];
  try {
    const ca = await createCertificateAuthority({ dir: join(temp.path, 'ca'), commonName: 'bench CA' });
    const caPem = await readFile(ca.certPath, 'utf8');
    const driver = await createHaproxyDriver({ dir: join(temp.path, 'haproxy'), address: '127.0.0.1', manageProcess: true });
    await driver.ensureRunning();
    undo.push(() => stopHaproxy(driver.layout));
    const listener = await freeLoopbackPort();
    const backendPort = await freeLoopbackPort();
    undo.push(await startBackendProcess(backendPort));
    const certificate = async (hostname: string) => {
      const files = await issueCertificate({ authority: ca, dir: join(temp.path, 'certs'), name: hostname, commonName: hostname, altNames: [hostname] });
      return { chainPem: await readFile(files.chainPath, 'utf8'), keyPem: await readFile(files.keyPath, 'utf8') };
    };
    // The listener exists before either path is measured: a new listener port is a reload on both.
    await driver.putRoute({ listenerPort: listener, hostname: 'warm.bench.test', mode: 'l7', backendTls: false, backend: { host: '127.0.0.1', port: backendPort }, certificate: await certificate('warm.bench.test') });
    await untilServing(listener, 'warm.bench.test', caPem);

    const runtime: number[] = [];
    const reload: number[] = [];
    const layout = driver.layout;
    for (let run = 0; run < RUNS; run += 1) {
      const viaSocket = `socket-${run}.bench.test`;
      const socketCert = await certificate(viaSocket);
      let start = performance.now();
      await driver.putRoute({ listenerPort: listener, hostname: viaSocket, mode: 'l7', backendTls: false, backend: { host: '127.0.0.1', port: backendPort }, certificate: socketCert });
      await untilServing(listener, viaSocket, caPem);
      runtime.push(performance.now() - start);

      const viaReload = `reload-${run}.bench.test`;
      const reloadCert = await certificate(viaReload);
      const route = { listenerPort: listener, hostname: viaReload, mode: 'l7' as const, backendTls: false, backend: { host: '127.0.0.1', port: backendPort } };
      start = performance.now();
      // The reload path: the same route written to the files HAProxy reads, then a full seamless reload.
      await writeFileAtomic(certPath(layout, route), `${reloadCert.chainPem.trim()}\n${reloadCert.keyPem.trim()}\n`);
      await writeLines(crtListPath(layout, listener), [...(await readLines(crtListPath(layout, listener))), crtListLine(layout, route)]);
      const entries = await readMapFile(l7MapPath(layout, listener));
      entries.set(viaReload, l7MapValue(route));
      await writeMapFile(l7MapPath(layout, listener), entries);
      await reloadHaproxy('/usr/sbin/haproxy', layout, 20_000);
      await untilServing(listener, viaReload, caPem);
      reload.push(performance.now() - start);
    }
    const runtimeSummary = summarize(runtime);
    const reloadSummary = summarize(reload);
    console.log('route add → first answered request (l7, HAProxy 2.6)');
    console.log(headerLine());
    console.log(summaryLine('admin socket (no reload)', runtimeSummary));
    console.log(summaryLine('baseline: files + full seamless reload', reloadSummary));
    for (const line of comparisonLines(runtimeSummary, reloadSummary)) console.log(line);
    console.log(`  target: admin socket ≤ 0.2× of the reload path (median ratio ${(runtimeSummary.medianMs / reloadSummary.medianMs).toFixed(2)}×)`);

    const own = await throughput({ port: backendPort, listener, hostname: 'warm.bench.test', caPem });
    const containerPort = await freeLoopbackPort();
    undo.push(await startBackendContainer(containerPort));
    await driver.putRoute({ listenerPort: listener, hostname: 'container.bench.test', mode: 'l7', backendTls: false, backend: { host: '127.0.0.1', port: containerPort }, certificate: await certificate('container.bench.test') });
    await untilServing(listener, 'container.bench.test', caPem);
    const contained = await throughput({ port: containerPort, listener, hostname: 'container.bench.test', caPem });
    console.log(`\nrequests/s, ${CONCURRENCY} keep-alive clients for ${LOAD_MS / 1000} s each (client, HAProxy and backend share ${availableParallelism()} CPUs)`);
    console.log(`  backend process: straight to its host port (plain HTTP)            ${own.direct.toFixed(0)} req/s`);
    console.log(`  backend process: through the l7 route (TLS terminated by HAProxy)  ${own.proxied.toFixed(0)} req/s`);
    console.log(`  ratio ${(own.proxied / own.direct).toFixed(2)}× (target ≥ 0.7×)`);
    console.log(`  container (busybox httpd, podman): straight to its host port      ${contained.direct.toFixed(0)} req/s`);
    console.log(`  container (busybox httpd, podman): through the l7 route            ${contained.proxied.toFixed(0)} req/s`);
    console.log(`  ratio ${(contained.proxied / contained.direct).toFixed(2)}× (target ≥ 0.7×; busybox httpd closes each connection, so both paths open one per request to it)`);

    const responder = await startHttp01Responder({ address: '127.0.0.1', port: 0 });
    undo.push(() => responder.close());
    const pebble = await startPebble({
      dir: join(temp.path, 'pebble'),
      ports: { acme: await freeLoopbackPort(), management: await freeLoopbackPort(), dns: await freeLoopbackPort() },
      httpPort: responder.port,
      resolveTo: '127.0.0.1',
    });
    undo.push(() => pebble.stop());
    const issuer = createAcmeIssuer({ directoryUrl: pebble.directoryUrl, eab: pebble.eab, directoryCaPem: pebble.listenerCaPem, accountKeyPath: join(temp.path, 'acme', 'account.key') }, responder);
    const store = createCertificateStore({ dir: join(temp.path, 'acme-certs'), issuer, caBundle: () => pebble.rootPem(), clock: { now: () => new Date() } });
    const issue: number[] = [];
    for (let run = 0; run < CERT_RUNS; run += 1) {
      const start = performance.now();
      await store.obtain(`cert-${run}.svc.mcp.test`);
      issue.push(performance.now() - start);
    }
    const reuse: number[] = [];
    for (let run = 0; run < CERT_RUNS; run += 1) {
      const start = performance.now();
      await store.obtain(`cert-${run}.svc.mcp.test`);
      reuse.push(performance.now() - start);
    }
    console.log('\nfirst certificate for a new hostname (Pebble, EAB, http-01; the first run registers the account)');
    console.log(headerLine());
    console.log(summaryLine('order → checked chain kept', summarize(issue)));
    console.log(summaryLine('reuse of the kept certificate (> 30 days)', summarize(reuse)));
  } finally {
    for (let step = undo.pop(); step !== undefined; step = undo.pop()) await step();
    await temp.remove();
  }
}

await main();
