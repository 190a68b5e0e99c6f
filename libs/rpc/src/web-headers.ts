// node:http2 header objects as fetch-API Headers (pseudo-headers left out), for Connect's functions that read them.
import type { IncomingHttpHeaders } from 'node:http2';

export function headersOf(incoming: IncomingHttpHeaders): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(incoming)) {
    if (name.startsWith(':') || value === undefined) continue;
    for (const one of Array.isArray(value) ? value : [value]) headers.append(name, one);
  }
  return headers;
}
