// Who is on the other end of a connection: its address and, when it presented one that the CA verified, the
// name its client certificate carries.
import type { TLSSocket } from 'node:tls';

export interface Peer {
  /** Remote IP address as the socket reports it. */
  readonly address: string;
  /** The subject CN of a client certificate that chains to the server's CA; undefined without one. */
  readonly certificateName: string | undefined;
}

export function peerOf(socket: TLSSocket | undefined): Peer {
  const address = socket?.remoteAddress ?? 'unknown';
  if (socket === undefined || !socket.authorized || typeof socket.getPeerCertificate !== 'function') {
    return { address, certificateName: undefined };
  }
  const certificate = socket.getPeerCertificate();
  const name = certificate?.subject?.CN;
  return { address, certificateName: typeof name === 'string' && name !== '' ? name : undefined };
}
