// RPCs of features this agent version does not have yet: they answer Unimplemented and say which
// feature brings them, and NodeStatus leaves them out of the capabilities (SPEC §10, failure 9).
import { Code, ConnectError } from '@connectrpc/connect';
import type { AgentHandlers, HandlerGroup } from '../agent-handlers.js';

const features = {
  setupEdgeRoute: ['SetupEdgeRoute', 'edge routing'],
  removeEdgeRoute: ['RemoveEdgeRoute', 'edge routing'],
  listEdgeRoutes: ['ListEdgeRoutes', 'edge routing'],
} as const;

function unavailable(method: string, feature: string): ConnectError {
  return new ConnectError(
    `${method}: this agent version has no ${feature} yet; check NodeStatus capabilities before calling it`,
    Code.Unimplemented,
  );
}

export const deferredRpcs: HandlerGroup = () => {
  const handlers: Record<string, () => never> = {};
  for (const [localName, [method, feature]] of Object.entries(features)) {
    handlers[localName] = () => {
      throw unavailable(method, feature);
    };
  }
  return handlers as AgentHandlers;
};
