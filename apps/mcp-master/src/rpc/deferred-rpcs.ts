// RPCs of features this master version does not have yet: they answer Unimplemented and say which
// feature brings them, so `mcp` can tell the operator plainly (SPEC §10, failure 9).
import { Code, ConnectError } from '@connectrpc/connect';
import type { HandlerGroup, MasterHandlers } from '../master-handlers.js';

const features: Record<string, readonly [string, string]> = {};

export const deferredRpcs: HandlerGroup = () => {
  const handlers: Record<string, () => never> = {};
  for (const [localName, [method, feature]] of Object.entries(features)) {
    handlers[localName] = () => {
      throw new ConnectError(`${method}: this master version has no ${feature} yet`, Code.Unimplemented);
    };
  }
  return handlers as MasterHandlers;
};
