// Public surface of @mcp/policy: the deploy policy (mounts, networks, host ports, container limits) agent and master enforce.
export {
  DEFAULT_CONTAINER_LIMITS,
  NETWORK_MODES,
  SAFE_MOUNT_OPTIONS,
  SAFE_NETWORK_MODES,
  SERVICE_PLACEHOLDER,
  defaultDeployPolicy,
  type ContainerLimits,
  type DeployPolicy,
  type NetworkMode,
  type PortRange,
} from './deploy-policy.js';
export {
  checkDeployPolicy,
  isUnderRoots,
  mountRootsFor,
  type PolicyComponent,
  type PolicyRule,
  type PolicyService,
  type PolicyViolation,
} from './check-policy.js';
export { canonicalAddress, isEveryInterface } from './host-address.js';
export { readNetworkSetting, type NetworkSetting } from './network-setting.js';
export { containerLimitsConfigSchema, deployPolicyFromConfig, policyConfigSchema, type PolicyConfigValues } from './policy-config.js';
export { checkMountLinks, resolveThroughLinks, type ResolvePath } from './mount-links.js';
