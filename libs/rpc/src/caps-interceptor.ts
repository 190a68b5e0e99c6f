// Refuses a request with a list, map or string over its cap (@mcp/input-caps) before the handler sees it: every
// unary request, and every message of a client stream as it arrives.
import { Code, ConnectError, type Interceptor, type StreamRequest } from '@connectrpc/connect';
import type { DescMessage } from '@bufbuild/protobuf';
import { findCapBreach, WIRE_CAPS, type InputCaps } from '@mcp/input-caps';

function check(schema: DescMessage, message: object, caps: InputCaps): void {
  const breach = findCapBreach(schema, message, { caps });
  if (breach !== undefined) throw new ConnectError(breach.message, Code.InvalidArgument);
}

async function* checkEach<T extends object>(messages: AsyncIterable<T>, schema: DescMessage, caps: InputCaps): AsyncIterable<T> {
  for await (const message of messages) {
    check(schema, message, caps);
    yield message;
  }
}

/** Put it after authentication: a caller without credentials is refused before anything is walked. */
export function createCapsInterceptor(options: { caps?: InputCaps } = {}): Interceptor {
  const caps = options.caps ?? WIRE_CAPS;
  return (next) => async (req) => {
    if (!req.stream) {
      check(req.method.input, req.message, caps);
      return next(req);
    }
    return next({ ...req, message: checkEach(req.message, req.method.input, caps) } as StreamRequest);
  };
}
