// Public surface of @mcp/placement: a pure function from a fleet snapshot to a placement decision.
export { placeService } from './place-service.js';
export { planPlacements } from './plan-placements.js';
export type { PlanInput, PlannedPlacement, PlacementPlan } from './plan-placements.js';
export { PlacementInputError } from './errors.js';
export type {
  NodeRejection,
  NodeRole,
  NodeSnapshot,
  NodeStatus,
  Placement,
  PlacementAccepted,
  PlacementDecision,
  PlacementInput,
  PlacementPolicy,
  PlacementRefused,
  PlacementRule,
  ServiceTier,
  ServiceToPlace,
  VmSupport,
} from './types.js';
