// Public surface of @mcp/runtime: one Runtime interface, its domain types and errors, and the podman and QEMU backends.
export { COMPONENT_LABEL, NODE_LABEL, SERVICE_LABEL, containerName } from './types.js';
export type {
  BuildOptions,
  ContainerDetails,
  ContainerInfo,
  ContainerSpec,
  ContainerState,
  EventOptions,
  ExecOptions,
  ExecResult,
  ListOptions,
  LogLine,
  LogOptions,
  PortMapping,
  ProbeResult,
  PullOptions,
  PushOptions,
  RemoveOptions,
  Runtime,
  RuntimeEvent,
  RuntimeEventAction,
  StopOptions,
  VolumeMount,
} from './types.js';
export { NotFoundError, RuntimeError, isNotFound, runtimeError } from './errors.js';
export { RESTART_POLICY_EXPECTED, parseRestartPolicy, type RestartPolicy, type RestartPolicyName } from './restart-policy.js';
export type { RuntimeErrorKind, RuntimeErrorOptions } from './errors.js';
export { createPodmanRuntime } from './podman/podman-runtime.js';
export type { PodmanRuntime, PodmanRuntimeOptions } from './podman/podman-runtime.js';
export { pingPodmanSocket, startPodmanService } from './podman/podman-service.js';
export type { PodmanService, PodmanServiceOptions } from './podman/podman-service.js';
export { probePodmanCli } from './podman/podman-cli.js';
export { createQemuRuntime } from './qemu/qemu-runtime.js';
export type { QemuRuntime, QemuRuntimeOptions } from './qemu/qemu-runtime.js';
export { chooseAcceleration, isAccelerationSetting, readAccelerationFacts } from './qemu/acceleration.js';
export type {
  Acceleration,
  AccelerationChoice,
  AccelerationFacts,
  AccelerationSetting,
} from './qemu/acceleration.js';
