// Public surface of @mcp/tls: a small CA for dev fleets and tests, TLS 1.3 options, chain checks.
export { createCertificateAuthority, issueCertificate } from './certificate-authority.js';
export type {
  CertificateAuthority,
  CertificateUsage,
  CreateAuthorityOptions,
  IssueCertificateOptions,
  IssuedCertificate,
  KeyAndCertificate,
} from './certificate-authority.js';
export { clientTlsOptions, serverTlsOptions } from './tls-options.js';
export type { ClientTlsFiles, ServerTlsFiles } from './tls-options.js';
export { checkCertificateChain, splitPemChain } from './certificate-check.js';
export type { ChainCheck, ChainCheckInput } from './certificate-check.js';
export { TlsError } from './errors.js';
