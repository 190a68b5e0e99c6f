// The fleet operation RPCs of McpMasterService: Deploy, Undeploy, Status, Sync. Each operation checks its input;
// its FleetErrors become Connect codes in the master's error interceptor (classify-error.ts).
import { deployService, DEFAULT_FLEET_OPTIONS, type FleetOptions } from '../deploy.js';
import type { HandlerGroup } from '../master-handlers.js';
import { fleetStatus } from '../status.js';
import { syncFleet } from '../sync.js';
import { undeployService } from '../undeploy.js';

/** The handler group with the master's fleet settings (allowed public domains, agent deadline); defaults fill the rest. */
export function createFleetRpcs(settings: Partial<FleetOptions> = {}): HandlerGroup {
  const options: FleetOptions = { ...DEFAULT_FLEET_OPTIONS, ...settings };
  return (deps) => ({
    deploy: (request) => deployService(deps, { spec: request.service, component: request.component, noPull: request.noPull, pull: request.pull }, options),
    undeploy: (request) => undeployService(deps, request.serviceName, options),
    status: (request) => fleetStatus(deps, request.serviceName),
    sync: (request) => syncFleet(deps, { specs: request.services, dryRun: request.dryRun, noPull: request.noPull, pull: request.pull }, options),
  });
}

/** Deploy, Undeploy, Status and Sync with no allowed public domains configured. */
export const fleetRpcs: HandlerGroup = createFleetRpcs();
