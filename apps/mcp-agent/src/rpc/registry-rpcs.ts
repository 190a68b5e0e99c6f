// The registry views and their housekeeping: ListServices, GetServiceStatus, LiveCheck, AdoptContainers, PurgeComponent.
import { create } from '@bufbuild/protobuf';
import { AdoptContainersResponseSchema, PurgeComponentResponseSchema } from '@mcp/proto';
import { adoptContainers } from '../adopt-containers.js';
import type { HandlerGroup } from '../agent-handlers.js';
import { liveCheck } from '../live-check.js';
import { purgeComponents } from '../purge-components.js';
import { listServices, serviceStatus } from '../service-status.js';

export const registryRpcs: HandlerGroup = (deps) => ({
  listServices: () => listServices(deps),

  getServiceStatus: (request) => serviceStatus(deps, { service: request.service, eventLimit: request.eventLimit }),

  liveCheck: (request) => liveCheck(deps, request.service),

  async adoptContainers(request) {
    const results = await adoptContainers(deps, { service: request.service, dryRun: request.dryRun });
    return create(AdoptContainersResponseSchema, { results, dryRun: request.dryRun });
  },

  async purgeComponent(request) {
    const results = await purgeComponents(deps, {
      service: request.service,
      component: request.component,
      dryRun: request.dryRun,
    });
    return create(PurgeComponentResponseSchema, { results, dryRun: request.dryRun });
  },
});
