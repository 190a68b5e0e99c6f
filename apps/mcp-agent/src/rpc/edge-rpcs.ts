// An edge node's public routes: SetupEdgeRoute (nothing registered on failure), RemoveEdgeRoute, ListEdgeRoutes.
// Only the master calls them (libs/auth's policy table).
import { create } from '@bufbuild/protobuf';
import { ListEdgeRoutesResponseSchema, RemoveEdgeRouteResponseSchema, SetupEdgeRouteResponseSchema } from '@mcp/proto';
import type { HandlerGroup } from '../agent-handlers.js';
import { checkPublicHostname } from '../edge-route-request.js';
import { listEdgeRoutesWithCertificates, removeEdgeRoute, setupEdgeRoute } from '../edge-routing.js';
import { edgeRouteToWire } from '../wire/edge.js';

export const edgeRpcs: HandlerGroup = (deps) => ({
  async setupEdgeRoute(request) {
    const outcome = await setupEdgeRoute(deps, request);
    return create(SetupEdgeRouteResponseSchema, { route: edgeRouteToWire(outcome.route, outcome.certificate), steps: outcome.steps });
  },

  async removeEdgeRoute(request) {
    await removeEdgeRoute(deps, checkPublicHostname(request.hostname));
    return create(RemoveEdgeRouteResponseSchema, {});
  },

  async listEdgeRoutes() {
    const routes = await listEdgeRoutesWithCertificates(deps);
    return create(ListEdgeRoutesResponseSchema, { routes: routes.map(({ route, certificate }) => edgeRouteToWire(route, certificate)) });
  },
});
