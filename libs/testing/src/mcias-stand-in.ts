// A STAND-IN for MCIAS, the platform's identity service, which cannot run here: a small HTTPS server speaking the
// contract in docs/mcias.md (POST /v1/auth/login, POST /v1/token/validate) over a real TLS socket, with users,
// tokens and revocation the test controls. It is no MCIAS: it knows only what MCP relies on.
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';

export interface StandInUser {
  readonly password: string;
  readonly accountType: 'human' | 'system';
  readonly roles: readonly string[];
}

export interface McIasStandIn {
  /** `https://127.0.0.1:<port>`. */
  readonly url: string;
  /** Every request it got: path and the service_name it carried. */
  readonly requests: { readonly path: string; readonly serviceName: unknown }[];
  /** Revokes a token: validate answers `{ valid: false }` from now on. */
  revoke(token: string): void;
  /** Answers every request with HTTP 503 while true (MCIAS down). */
  setDown(down: boolean): void;
  close(): Promise<void>;
}

export async function startMciasStandIn(options: {
  certPath: string;
  keyPath: string;
  users: Readonly<Record<string, StandInUser>>;
}): Promise<McIasStandIn> {
  const [cert, key] = await Promise.all([readFile(options.certPath), readFile(options.keyPath)]);
  const tokens = new Map<string, string>();
  const requests: { path: string; serviceName: unknown }[] = [];
  let down = false;
  const server: Server = createServer({ cert, key }, (request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      let body: Record<string, unknown> = {};
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as Record<string, unknown>;
      } catch {
        body = {};
      }
      requests.push({ path: request.url ?? '', serviceName: body['service_name'] });
      const answer = (status: number, payload: unknown) => {
        response.writeHead(status, { 'content-type': 'application/json' });
        response.end(JSON.stringify(payload));
      };
      if (down) return answer(503, { error: 'unavailable' });
      if (request.method === 'POST' && request.url === '/v1/auth/login') {
        const username = String(body['username'] ?? '');
        const user = options.users[username];
        if (user === undefined || user.password !== body['password']) return answer(401, { error: 'invalid username or password' });
        const token = randomBytes(24).toString('base64url');
        tokens.set(token, username);
        return answer(200, { token });
      }
      if (request.method === 'POST' && request.url === '/v1/token/validate') {
        const match = /^Bearer (.+)$/.exec(request.headers.authorization ?? '');
        const username = match?.[1] === undefined ? undefined : tokens.get(match[1]);
        const user = username === undefined ? undefined : options.users[username];
        if (username === undefined || user === undefined) return answer(200, { valid: false });
        return answer(200, { valid: true, username, account_type: user.accountType, roles: user.roles });
      }
      return answer(404, { error: 'no such endpoint' });
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    url: `https://127.0.0.1:${port}`,
    requests,
    revoke: (token) => void tokens.delete(token),
    setDown: (value) => {
      down = value;
    },
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
