// Public surface of @mcp/acme: certificates for exact hostnames from an ACME CA (EAB, http-01), kept and checked.
export { createAcmeIssuer } from './acme-issuer.js';
export type { AcmeAccountOptions, AcmeIssuer, IssuedChain } from './acme-issuer.js';
export { createCertificateStore } from './certificate-store.js';
export type { CertificateStore, CertificateStoreOptions, StoredCertificate } from './certificate-store.js';
export { startHttp01Responder } from './http01-responder.js';
export type { ChallengeResponder, Http01Responder } from './http01-responder.js';
export { AcmeError } from './errors.js';
export type { AcmeStep } from './errors.js';
