// Checks the shape of each input value, since the master builds them from SQLite rows and definitions.
import { PlacementInputError } from './errors.js';
import type { NodeSnapshot, Placement, ServiceToPlace } from './types.js';

const ROLES: readonly string[] = ['master', 'worker', 'edge'];
const STATUSES: readonly string[] = ['healthy', 'unhealthy', 'unknown'];
const TIERS: readonly string[] = ['core', 'worker'];
const VM_SUPPORT: readonly string[] = ['kvm', 'tcg', 'none'];

function requireName(value: unknown, field: string): void {
  if (typeof value !== 'string' || value === '') {
    throw new PlacementInputError(field, `expected a non-empty string, got ${JSON.stringify(value)}`);
  }
}

function requireOneOf(value: unknown, allowed: readonly string[], field: string): void {
  if (typeof value !== 'string' || !allowed.includes(value)) {
    throw new PlacementInputError(
      field,
      `expected one of ${allowed.map((a) => `"${a}"`).join(', ')}, got ${JSON.stringify(value)}`,
    );
  }
}

function requireBoolean(value: unknown, field: string): void {
  if (typeof value !== 'boolean') {
    throw new PlacementInputError(field, `expected true or false, got ${JSON.stringify(value)}`);
  }
}

function requireCount(value: unknown, min: number, field: string): void {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min) {
    throw new PlacementInputError(field, `expected an integer of at least ${min}, got ${JSON.stringify(value)}`);
  }
}

export function validateNode(node: NodeSnapshot, field: string): void {
  requireName(node.name, `${field}.name`);
  requireOneOf(node.role, ROLES, `${field}.role`);
  requireOneOf(node.status, STATUSES, `${field}.status`);
  requireCount(node.containers, 0, `${field}.containers`);
  requireOneOf(node.vms, VM_SUPPORT, `${field}.vms`);
}

export function validatePlacement(placement: Placement, field: string): void {
  requireName(placement.service, `${field}.service`);
  requireName(placement.node, `${field}.node`);
}

export function validateService(service: ServiceToPlace, field: string): void {
  requireName(service.name, `${field}.name`);
  if (service.tier !== undefined) requireOneOf(service.tier, TIERS, `${field}.tier`);
  if (service.node !== undefined) requireName(service.node, `${field}.node`);
  requireBoolean(service.needsVms, `${field}.needsVms`);
  requireCount(service.componentCount, 1, `${field}.componentCount`);
}
