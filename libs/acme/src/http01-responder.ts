// Answers ACME http-01 challenges: GET /.well-known/acme-challenge/<token> → the key authorization, nothing else.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

const PREFIX = '/.well-known/acme-challenge/';

export interface ChallengeResponder {
  present(token: string, keyAuthorization: string): void;
  remove(token: string): void;
}

export interface Http01Responder extends ChallengeResponder {
  readonly port: number;
  close(): Promise<void>;
}

/** Listens on address:port (port 0 picks one); the CA's validator must reach it there for each hostname. */
export function startHttp01Responder(options: { address: string; port: number }): Promise<Http01Responder> {
  const tokens = new Map<string, string>();
  const server = createServer((request, response) => {
    const path = request.url ?? '';
    const answer = path.startsWith(PREFIX) ? tokens.get(path.slice(PREFIX.length)) : undefined;
    if (request.method !== 'GET' || answer === undefined) {
      response.writeHead(404).end();
      return;
    }
    response.writeHead(200, { 'content-type': 'application/octet-stream' }).end(answer);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.address, () => {
      resolve({
        port: (server.address() as AddressInfo).port,
        present: (token, keyAuthorization) => void tokens.set(token, keyAuthorization),
        remove: (token) => void tokens.delete(token),
        close: () =>
          new Promise((done) => {
            server.closeAllConnections();
            server.close(() => done());
          }),
      });
    });
  });
}
