// STAND-IN, NOT MCNS: MCNS (the platform's DNS server, Go) cannot run here, so this small HTTPS server speaks the
// REST contract the MCNS driver relies on (this lib's README, "MCNS contract") over a real TLS socket, with records
// kept in memory. It exists only to test the driver; it serves no DNS queries.
import { createCertificateAuthority, issueCertificate } from '@mcp/tls';
import { createTempDir } from '@mcp/testing';
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';

export interface McnsStandInRecord {
  ID: number;
  Name: string;
  Type: string;
  Value: string;
  TTL: number;
}

export interface McnsStandIn {
  /** `https://127.0.0.1:<port>`. */
  readonly url: string;
  /** PEM of the CA its certificate chains to. */
  readonly caPem: string;
  /** The bearer token it accepts. */
  readonly token: string;
  /** The records of a zone as stored (tests edit them behind a driver's back). */
  records(zone: string): McnsStandInRecord[];
  /** Every request it answered, `METHOD path`. */
  readonly requests: string[];
  stop(): Promise<void>;
}

const recordsPath = /^\/v1\/zones\/([^/]+)\/records(?:\/([^/]+))?$/;
const addressTypes = new Set(['A', 'AAAA', 'CNAME']);

function send(response: ServerResponse, status: number, body?: unknown): void {
  const text = body === undefined ? '' : JSON.stringify(body);
  response.writeHead(status, body === undefined ? {} : { 'content-type': 'application/json' });
  response.end(text);
}

async function bodyOf(request: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    return undefined;
  }
}

/** Go's encoding/json matches keys case-insensitively; so does the stand-in. */
function field(body: unknown, key: string): unknown {
  if (typeof body !== 'object' || body === null) return undefined;
  const entry = Object.entries(body).find(([name]) => name.toLowerCase() === key);
  return entry?.[1];
}

function recordInput(body: unknown): { name: string; type: string; value: string; ttl: number } | string {
  const name = field(body, 'name');
  const type = field(body, 'type');
  const value = field(body, 'value');
  const ttl = field(body, 'ttl');
  if (typeof name !== 'string' || name === '') return 'name is required';
  if (typeof type !== 'string' || !addressTypes.has(type.toUpperCase())) return 'type must be A, AAAA or CNAME';
  if (typeof value !== 'string' || value === '') return 'value is required';
  if (ttl !== undefined && (typeof ttl !== 'number' || !Number.isInteger(ttl) || ttl < 0)) return 'ttl must be a non-negative integer';
  return { name: name.toLowerCase(), type: type.toUpperCase(), value, ttl: typeof ttl === 'number' ? ttl : 300 };
}

/** Starts the stand-in serving `zones` (each initially empty) on a loopback port over TLS. */
export async function startMcnsStandIn(options: { zones: readonly string[]; token?: string }): Promise<McnsStandIn> {
  const dir = await createTempDir('mcp-mcns-stand-in');
  const authority = await createCertificateAuthority({ dir: join(dir.path, 'ca'), commonName: 'mcns stand-in CA' });
  const cert = await issueCertificate({ authority, dir: join(dir.path, 'tls'), name: 'mcns', commonName: 'mcns', altNames: ['127.0.0.1', 'localhost'] });
  const [key, chain, caPem] = await Promise.all([readFile(cert.keyPath), readFile(cert.chainPath), readFile(authority.certPath, 'utf8')]);
  const token = options.token ?? 'stand-in-token';
  const zones = new Map(options.zones.map((zone) => [zone, [] as McnsStandInRecord[]]));
  const requests: string[] = [];
  let nextId = 1;

  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const path = new URL(request.url ?? '/', 'https://stand-in').pathname;
    requests.push(`${request.method ?? '?'} ${path}`);
    if (request.headers.authorization !== `Bearer ${token}`) return send(response, 401, { error: 'unauthorized' });
    const match = recordsPath.exec(path);
    if (match === null) return send(response, 404, { error: 'not found' });
    const zone = decodeURIComponent(match[1] ?? '');
    const records = zones.get(zone);
    if (records === undefined) return send(response, 404, { error: `zone ${zone} not found` });
    const id = match[2] === undefined ? undefined : Number(match[2]);
    const index = id === undefined ? -1 : records.findIndex((record) => record.ID === id);
    if (id === undefined && request.method === 'GET') return send(response, 200, { records });
    if (id === undefined && request.method === 'POST') {
      const input = recordInput(await bodyOf(request));
      if (typeof input === 'string') return send(response, 400, { error: input });
      if (records.some((record) => record.Name === input.name && record.Type === input.type && record.Value === input.value)) {
        return send(response, 409, { error: 'record already exists' });
      }
      const record = { ID: nextId++, Name: input.name, Type: input.type, Value: input.value, TTL: input.ttl };
      records.push(record);
      return send(response, 201, record);
    }
    if (id !== undefined && index < 0) return send(response, 404, { error: `record ${match[2] ?? ''} not found` });
    if (id !== undefined && request.method === 'PUT') {
      const input = recordInput(await bodyOf(request));
      if (typeof input === 'string') return send(response, 400, { error: input });
      const record = { ID: id, Name: input.name, Type: input.type, Value: input.value, TTL: input.ttl };
      records[index] = record;
      return send(response, 200, record);
    }
    if (id !== undefined && request.method === 'DELETE') {
      records.splice(index, 1);
      return send(response, 204);
    }
    return send(response, 405, { error: 'method not allowed' });
  };

  const server: Server = createServer({ key, cert: chain, minVersion: 'TLSv1.3' }, (request, response) => {
    handle(request, response).catch((error: unknown) => send(response, 500, { error: (error as Error).message }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  return {
    url: `https://127.0.0.1:${port}`,
    caPem,
    token,
    records: (zone) => zones.get(zone) ?? [],
    requests,
    stop: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await dir.remove();
    },
  };
}
