// The HAProxy 2.6 proxy driver: routes and certificates change at run time over the admin socket (no reload); a
// new listener port is a seamless reload; every change is also written to the files a restarted HAProxy reads.
import { createHash, X509Certificate } from 'node:crypto';
import { execFile } from 'node:child_process';
import { access, mkdir, readFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { ProxyError } from '../errors.js';
import { validateRoute } from '../validate-route.js';
import type { ProxyDriver, ProxyListenerStatus, ProxyRoute, ProxyStatus, ServedRoute } from '../types.js';
import {
  certPath,
  crtListLine,
  crtListPath,
  haproxyLayout,
  l4MapPath,
  l4MapValue,
  l7MapPath,
  l7MapValue,
  renderHaproxyConfig,
  type HaproxyLayout,
} from './config.js';
import { readLines, readMapFile, removeFile, writeFileAtomic, writeLines, writeMapFile } from './files.js';
import { parseMapEntries, parseShowInfo, parseStatSessions } from './answers.js';
import { processInfo, reloadHaproxy, startHaproxy, stopHaproxy } from './process.js';
import { adminCommand, socketCommand } from './socket.js';

const execFileAsync = promisify(execFile);

export interface HaproxyDriverOptions {
  /** State dir: config, sockets, maps, crt-lists, certificate PEMs (0600). */
  readonly dir: string;
  /** Address every listener binds: the node's address. */
  readonly address: string;
  /** Default /usr/sbin/haproxy. */
  readonly binary?: string;
  /**
   * true: the driver starts HAProxy (detached, so it outlives the agent) and `ensureRunning` restarts it;
   * false: a service manager runs it (`haproxy -W -S <dir>/master.sock -f <dir>/haproxy.cfg`), the driver only
   * writes files and talks to its sockets.
   */
  readonly manageProcess: boolean;
  /** CA bundle re-encrypting routes verify their backend against; default "@system-ca". */
  readonly backendCaFile?: string;
  readonly maxConnections?: number;
  /** How long a start or reload may take; default 10 s. */
  readonly timeoutMs?: number;
  readonly opensslPath?: string;
}

export interface HaproxyDriver extends ProxyDriver {
  readonly layout: HaproxyLayout;
  /**
   * Starts HAProxy when it is not running (managed mode); "started" means routes were lost and came back from files.
   * Every other operation starts a dead HAProxy too (it needs one); the next ensureRunning() then answers "started",
   * so whoever watches the proxy (the agent's sweep) learns of each start once, whichever call made it.
   */
  ensureRunning(): Promise<'running' | 'started'>;
  /** Stops the HAProxy this driver manages. */
  stop(): Promise<void>;
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}

async function writeFallbackCertificate(path: string, opensslPath: string): Promise<void> {
  const keyPath = `${path}.key`;
  const crt = `${path}.crt`;
  try {
    await execFileAsync(opensslPath, [
      'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-subj', '/CN=mcp-proxy-no-route',
      '-days', '3650', '-keyout', keyPath, '-out', crt,
    ]);
    await writeFileAtomic(path, `${await readFile(crt, 'utf8')}${await readFile(keyPath, 'utf8')}`);
  } finally {
    await removeFile(keyPath);
    await removeFile(crt);
  }
}

/** Serialises the driver's operations: two changes never interleave their socket commands and file writes. */
function createQueue(): <T>(work: () => Promise<T>) => Promise<T> {
  let tail: Promise<unknown> = Promise.resolve();
  return (work) => {
    const next = tail.then(work, work);
    tail = next.catch(() => undefined);
    return next;
  };
}

function certificateSerial(pem: string): string {
  return new X509Certificate(pem).serialNumber.toUpperCase();
}

export async function createHaproxyDriver(options: HaproxyDriverOptions): Promise<HaproxyDriver> {
  const layout = haproxyLayout(options.dir);
  const binary = options.binary ?? '/usr/sbin/haproxy';
  const timeoutMs = options.timeoutMs ?? 10_000;
  const instance = createHash('sha256').update(options.dir).digest('hex').slice(0, 12);
  const backendCaFile = options.backendCaFile ?? '@system-ca';
  const maxConnections = options.maxConnections ?? 4096;
  const serial = createQueue();
  await mkdir(layout.certDir, { recursive: true, mode: 0o700 });
  if (!(await exists(layout.fallbackCertPath))) await writeFallbackCertificate(layout.fallbackCertPath, options.opensslPath ?? 'openssl');

  const listenerPorts = async (): Promise<number[]> => {
    const text = await readFile(layout.listenersPath, 'utf8').catch(() => '[]');
    return (JSON.parse(text) as number[]).sort((a, b) => a - b);
  };
  const writeConfig = async (ports: readonly number[]): Promise<void> => {
    for (const port of ports) {
      if (!(await exists(l4MapPath(layout, port)))) await writeMapFile(l4MapPath(layout, port), new Map());
      if (!(await exists(l7MapPath(layout, port)))) await writeMapFile(l7MapPath(layout, port), new Map());
      // The fallback line keeps the crt-list non-empty, which HAProxy requires.
      if (!(await exists(crtListPath(layout, port)))) await writeLines(crtListPath(layout, port), [layout.fallbackCertPath]);
    }
    await writeFileAtomic(layout.configPath, renderHaproxyConfig({ layout, address: options.address, listenerPorts: ports, instance, backendCaFile, maxConnections }));
    await writeFileAtomic(layout.listenersPath, `${JSON.stringify(ports)}\n`);
  };
  // A config written by an older driver is brought up to date (and a running HAProxy reloaded onto it).
  const current = await readFile(layout.configPath, 'utf8').catch(() => undefined);
  const ports = await listenerPorts();
  if (current !== renderHaproxyConfig({ layout, address: options.address, listenerPorts: ports, instance, backendCaFile, maxConnections })) {
    await writeConfig(ports);
    if (current !== undefined && (await processInfo(layout)) !== undefined) await reloadHaproxy(binary, layout, timeoutMs);
  }

  /** A start made by an operation other than ensureRunning(), not yet reported by it. */
  let unreportedStart = false;
  const ensureRunning = async (): Promise<'running' | 'started'> => {
    if ((await processInfo(layout)) !== undefined) return 'running';
    if (!options.manageProcess) {
      throw new ProxyError('process', 'haproxy', `HAProxy is not running on ${layout.masterSocket}; its service manager should run it (haproxy -W -S ${layout.masterSocket} -f ${layout.configPath})`);
    }
    await startHaproxy(binary, layout, timeoutMs);
    unreportedStart = true;
    return 'started';
  };
  const reportRunning = async (): Promise<'running' | 'started'> => {
    const now = await ensureRunning();
    const earlier = unreportedStart;
    unreportedStart = false;
    return earlier ? 'started' : now;
  };

  const addListener = async (port: number): Promise<void> => {
    const ports = await listenerPorts();
    if (ports.includes(port)) return;
    await writeConfig([...ports, port].sort((a, b) => a - b));
    await reloadHaproxy(binary, layout, timeoutMs);
  };

  /** `set map` replaces in place (no moment without the key); `add map` when the key is new. */
  const putMapEntry = async (file: string, key: string, value: string): Promise<void> => {
    const entries = await readMapFile(file);
    entries.set(key, value);
    await writeMapFile(file, entries);
    const answer = await socketCommand(layout.adminSocket, `set map ${file} ${key} ${value}`);
    if (answer.trim() !== '') await adminCommand(layout.adminSocket, `add map ${file} ${key} ${value}`);
  };
  const deleteMapEntry = async (file: string, key: string): Promise<boolean> => {
    const entries = await readMapFile(file);
    const had = entries.delete(key);
    if (had) await writeMapFile(file, entries);
    const answer = await socketCommand(layout.adminSocket, `del map ${file} ${key}`);
    return had || answer.trim() === '';
  };
  const crtListHas = async (port: number, path: string): Promise<boolean> => {
    const answer = await adminCommand(layout.adminSocket, `show ssl crt-list ${crtListPath(layout, port)}`);
    return answer.split('\n').some((line) => line.split(/\s+/)[0] === path);
  };
  const certLoaded = async (path: string): Promise<boolean> => {
    const answer = await adminCommand(layout.adminSocket, 'show ssl cert');
    return answer.split('\n').some((line) => line.trim() === path);
  };

  const putCertificate = async (route: ProxyRoute): Promise<void> => {
    const certificate = route.certificate;
    if (certificate === undefined) throw new ProxyError('invalid-route', 'haproxy', `l7 route ${route.hostname}:${route.listenerPort} has no certificate`);
    const path = certPath(layout, route);
    const pem = `${certificate.chainPem.trim()}\n${certificate.keyPem.trim()}\n`;
    await writeFileAtomic(path, pem);
    if (!(await certLoaded(path))) await adminCommand(layout.adminSocket, `new ssl cert ${path}`);
    await adminCommand(layout.adminSocket, `set ssl cert ${path}`, pem);
    await adminCommand(layout.adminSocket, `commit ssl cert ${path}`);
    const list = crtListPath(layout, route.listenerPort);
    const line = crtListLine(layout, route);
    const lines = await readLines(list);
    if (!lines.includes(line)) await writeLines(list, [...lines.filter((other) => other.split(/\s+/)[0] !== path), line]);
    if (!(await crtListHas(route.listenerPort, path))) await adminCommand(layout.adminSocket, `add ssl crt-list ${list}`, line);
  };
  const removeCertificate = async (port: number, hostname: string): Promise<boolean> => {
    const path = certPath(layout, { listenerPort: port, hostname });
    const list = crtListPath(layout, port);
    const lines = await readLines(list);
    const kept = lines.filter((line) => line.split(/\s+/)[0] !== path);
    if (kept.length !== lines.length) await writeLines(list, kept);
    const listed = await crtListHas(port, path);
    if (listed) await adminCommand(layout.adminSocket, `del ssl crt-list ${list} ${path}`);
    if (await certLoaded(path)) await adminCommand(layout.adminSocket, `del ssl cert ${path}`);
    await removeFile(path);
    return listed || kept.length !== lines.length;
  };

  const removeRouteNow = async (port: number, hostname: string): Promise<boolean> => {
    if (!(await listenerPorts()).includes(port)) return false;
    const l4 = await deleteMapEntry(l4MapPath(layout, port), hostname);
    // Unroute before dropping the certificate: a client never handshakes into a route that is half gone.
    const l7 = await deleteMapEntry(l7MapPath(layout, port), hostname);
    const cert = await removeCertificate(port, hostname);
    return l4 || l7 || cert;
  };

  const served = async (): Promise<ServedRoute[]> => {
    const routes: ServedRoute[] = [];
    for (const port of await listenerPorts()) {
      for (const [hostname, value] of parseMapEntries(await adminCommand(layout.adminSocket, `show map ${l4MapPath(layout, port)}`))) {
        const [host = '', backendPort = ''] = value.split('|');
        routes.push({ listenerPort: port, hostname, mode: 'l4', backendTls: false, backend: { host, port: Number(backendPort) } });
      }
      const listed = await adminCommand(layout.adminSocket, `show ssl crt-list ${crtListPath(layout, port)}`);
      for (const [hostname, value] of parseMapEntries(await adminCommand(layout.adminSocket, `show map ${l7MapPath(layout, port)}`))) {
        const [tls = '', host = '', backendPort = '', serverName] = value.split('|');
        const path = certPath(layout, { listenerPort: port, hostname });
        const inList = listed.split('\n').some((line) => line.split(/\s+/)[0] === path);
        let certificateSerial: string | undefined;
        if (inList) {
          const details = await socketCommand(layout.adminSocket, `show ssl cert ${path}`);
          certificateSerial = /^Serial: (\S+)/m.exec(details)?.[1]?.toUpperCase();
        }
        routes.push({
          listenerPort: port,
          hostname,
          mode: 'l7',
          backendTls: tls === 'tls',
          backend: { host, port: Number(backendPort) },
          ...(serverName === undefined || serverName === '' ? {} : { backendServerName: serverName }),
          ...(certificateSerial === undefined ? {} : { certificateSerial }),
        });
      }
    }
    return routes.sort((a, b) => a.listenerPort - b.listenerPort || a.hostname.localeCompare(b.hostname));
  };

  return {
    name: 'haproxy',
    layout,
    ensureRunning: () => serial(reportRunning),
    stop: () => serial(() => stopHaproxy(layout)),
    putRoute: (route) =>
      serial(async () => {
        validateRoute(route, 'haproxy');
        await ensureRunning();
        await addListener(route.listenerPort);
        const { listenerPort: port, hostname } = route;
        if (route.mode === 'l4') {
          await deleteMapEntry(l7MapPath(layout, port), hostname);
          await removeCertificate(port, hostname);
          await putMapEntry(l4MapPath(layout, port), hostname, l4MapValue(route));
        } else {
          await deleteMapEntry(l4MapPath(layout, port), hostname);
          await putCertificate(route);
          await putMapEntry(l7MapPath(layout, port), hostname, l7MapValue(route));
        }
      }),
    removeRoute: (port, hostname) =>
      serial(async () => {
        await ensureRunning();
        return removeRouteNow(port, hostname);
      }),
    listRoutes: () =>
      serial(async () => {
        await ensureRunning();
        return served();
      }),
    status: () =>
      serial(async (): Promise<ProxyStatus> => {
        await ensureRunning();
        const info = parseShowInfo(await adminCommand(layout.adminSocket, 'show info'));
        const sessions = parseStatSessions(await adminCommand(layout.adminSocket, 'show stat'));
        const listeners: ProxyListenerStatus[] = (await listenerPorts()).map((port) => ({ port, activeConnections: sessions.get(`listener_${port}`) ?? 0 }));
        const proc = await processInfo(layout);
        return {
          driver: 'haproxy',
          version: info.version,
          startedAt: new Date(Date.now() - info.uptimeSeconds * 1000),
          connections: info.cumulativeConnections,
          activeConnections: info.currentConnections,
          listeners,
          generation: `${proc?.masterPid ?? 0}/${info.pid}/${proc?.reloads ?? 0}`,
        };
      }),
  };
}

export { certificateSerial };
