// Public surface of @mcp/testing: shared test scaffolding (images, runtime gates, names, temp dirs, a registry, built programs, daemons, benchmark figures).
export {
  BUSYBOX_HTTP_PORT,
  BUSYBOX_INDEX_HTML,
  DEFAULT_BUSYBOX_IMAGE,
  ensureBusyboxImage,
} from './busybox-image.js';
export type { BusyboxImageOptions } from './busybox-image.js';
export { appBinPath, ensureAppBuilt, workspaceRoot } from './app-build.js';
export type { McpApp } from './app-build.js';
export { DEFAULT_OPENSSL_IMAGE, ensureOpensslImage, sharedLibrariesOf } from './openssl-image.js';
export type { OpensslImageOptions } from './openssl-image.js';
export { createCleanupStack } from './cleanup-stack.js';
export type { CleanupStack } from './cleanup-stack.js';
export { startDaemonProcess } from './daemon-process.js';
export type { DaemonProcess, DaemonProcessOptions } from './daemon-process.js';
export { withFileLock } from './file-lock.js';
export { freeLoopbackPort } from './free-port.js';
export { comparisonLines, headerLine, interleaved, percentile, signedMs, summarize, summaryLine, timeMs } from './latency.js';
export type { LatencySummary } from './latency.js';
export { probeLocalRegistry, startLocalRegistry } from './local-registry.js';
export type { LocalRegistry, LocalRegistryOptions } from './local-registry.js';
export { RequiredRuntimeMissingError, requireRuntime, requiredRuntimes } from './require-runtime.js';
export type { ProbeLike } from './require-runtime.js';
export { createTempDir, useTempDirs } from './temp-dirs.js';
export type { TempDir } from './temp-dirs.js';
export { uniqueName, uniqueNode } from './unique-names.js';
export {
  DEFAULT_UNBOOTABLE_VM_IMAGE,
  DEFAULT_VM_IMAGE,
  ensureUnbootableVmImage,
  ensureVmTestImage,
} from './vm-image.js';
export type { VmTestImageOptions } from './vm-image.js';
export {
  VM_ARGS_MARKER,
  VM_DEFAULT_HTTP_PORT,
  VM_ENV_MARKER,
  VM_INDEX_HTML,
  VM_KERNEL_CMDLINE,
  VM_MOUNT_MARKER,
  VM_POWERDOWN_MARKER,
  VM_READY_MARKER,
} from './vm-guest-init.js';
export { startMciasStandIn } from './mcias-stand-in.js';
export type { McIasStandIn, StandInUser } from './mcias-stand-in.js';
export { connectFailureOf } from './connect-failure.js';
