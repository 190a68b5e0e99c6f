// Public surface of @mcp/auth: tokens, the token file, caller classes, policy, interceptors, rate limits.
export type { AccountType, Identity, TokenValidator } from './identity.js';
export { accountTypes, identityNameRule, isValidIdentityName } from './identity.js';
export type { Clock } from './clock.js';
export { systemClock } from './clock.js';
export type { TokenFileProblem } from './errors.js';
export { TokenFileError } from './errors.js';
export { generateToken, hashToken } from './token.js';
export type { TokenEntry } from './token-file.js';
export { formatTokenEntry, parseTokenFile, tokenFileHeader } from './token-file.js';
export type { NewToken } from './token-file-store.js';
export { addTokenToFile, readTokenFile } from './token-file-store.js';
export { createTokenFileValidator } from './token-file-validator.js';
export type { CallerClass } from './caller-class.js';
export { agentIdentityName, classifyCaller, guestRole, masterIdentityName, nodeNameFromIdentity } from './caller-class.js';
export { isValidNodeName, NODE_NAME_EXPECTED, NODE_NAME_PATTERN } from './node-name.js';
export type { AuthorizationDecision, AuthorizationPolicy, RpcCall, RpcClass } from './policy.js';
export {
  agentServiceName,
  allowedCallerClasses,
  allowedRpcClasses,
  classifyRpc,
  masterServiceName,
  mcpPolicy,
  rpcClassTable,
} from './policy.js';
export type { BearerResult } from './bearer.js';
export { bearerTokenOf } from './bearer.js';
export { callerKey, callerOf, peerKey } from './caller-context.js';
export type { AuditDecision, AuditLogger, AuditRecord } from './audit.js';
export { auditMessage, auditWriter } from './audit.js';
export type { Authentication, AuthenticateOptions, CallPeer, CallToAuthenticate, PeerIdentityRule } from './authenticate.js';
export { authenticate } from './authenticate.js';
export type { AuthGateOptions, GateAdmission, GatedCall } from './auth-gate.js';
export { createAuthGate } from './auth-gate.js';
export type { AuthInterceptorOptions } from './auth-interceptor.js';
export { createAuthInterceptor } from './auth-interceptor.js';
export type { RateDecision, RateLimitedCall, RateLimiter, RateLimits } from './rate-limiter.js';
export { createRateLimiter, decideRate, masterRateLimits } from './rate-limiter.js';
export { createRateLimitInterceptor } from './rate-limit-interceptor.js';
export type { AuditLog } from './audit-log.js';
export { openAuditLog } from './audit-log.js';
export type { CallSecurity, RefusedByTransport } from './call-security.js';
export { createCallSecurity } from './call-security.js';
export { SecretFileError, makeOwnerOnly, readPlainTokenFile, secretFileProblem } from './secret-file.js';
export type { MciasEndpoint, MciasValidatorOptions } from './mcias.js';
export { MciasError, createDaemonValidator, createMciasValidator, firstKnowing, mciasLogin } from './mcias.js';
export type { DaemonSecurity, DaemonSecurityOptions } from './daemon-security.js';
export { openDaemonSecurity } from './daemon-security.js';
