// Checks a certificate chain the way a peer will: signatures up to the CA, hostname, validity window.
import { X509Certificate } from 'node:crypto';

export interface ChainCheckInput {
  /** PEM bundle, leaf first, then intermediates. */
  chainPem: string;
  /** PEM of the trusted root. */
  caPem: string;
  hostname: string;
  now: Date;
}

export type ChainCheck =
  | { ok: true; notAfter: Date; daysLeft: number }
  | { ok: false; problem: string };

const pemBlock = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

/** Splits a PEM bundle into certificates, in order. */
export function splitPemChain(pem: string): X509Certificate[] {
  return (pem.match(pemBlock) ?? []).map((block) => new X509Certificate(block));
}

/**
 * Verifies that the chain is complete (each certificate signed by the next, the last by the CA), that
 * the leaf names `hostname`, and that every certificate is valid at `now`. A leaf-only bundle whose
 * issuer is an intermediate fails here rather than at a client (SPEC §10, failure 4).
 */
export function checkCertificateChain(input: ChainCheckInput): ChainCheck {
  let chain: X509Certificate[];
  let ca: X509Certificate;
  try {
    chain = splitPemChain(input.chainPem);
    ca = new X509Certificate(input.caPem);
  } catch (error) {
    return { ok: false, problem: `the certificate or CA is not valid PEM: ${(error as Error).message}` };
  }
  const leaf = chain[0];
  if (leaf === undefined) return { ok: false, problem: 'the chain holds no certificate' };
  const links = [...chain, ca];
  for (let i = 0; i < chain.length; i++) {
    const cert = links[i] as X509Certificate;
    const issuer = links[i + 1] as X509Certificate;
    if (!cert.checkIssued(issuer) || !cert.verify(issuer.publicKey)) {
      return {
        ok: false,
        problem: `certificate "${cert.subject}" is not signed by "${issuer.subject}": the chain is incomplete or out of order`,
      };
    }
  }
  if (leaf.checkHost(input.hostname) === undefined) {
    return { ok: false, problem: `the certificate does not name ${input.hostname} (it names ${leaf.subjectAltName ?? leaf.subject})` };
  }
  for (const cert of links) {
    if (new Date(cert.validFrom) > input.now || new Date(cert.validTo) < input.now) {
      return { ok: false, problem: `certificate "${cert.subject}" is not valid now (valid ${cert.validFrom} to ${cert.validTo})` };
    }
  }
  const notAfter = new Date(leaf.validTo);
  const daysLeft = Math.floor((notAfter.getTime() - input.now.getTime()) / 86_400_000);
  return { ok: true, notAfter, daysLeft };
}
