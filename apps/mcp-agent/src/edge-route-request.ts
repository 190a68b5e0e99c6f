// Checks a SetupEdgeRouteRequest before anything is touched: field syntax (InvalidArgument naming the field), then
// what an edge node refuses by rule (FailedPrecondition): a backend without TLS, a backend outside the internal zone.
import type { SetupEdgeRouteRequest } from '@mcp/proto';
import { isHostname } from '@mcp/proxy';
import { FailedPreconditionError, InvalidArgumentError } from './errors.js';

export interface CheckedEdgeRoute {
  readonly hostname: string;
  readonly backendHostname: string;
  readonly backendPort: number;
  readonly service: string;
}

const serviceName = /^[a-z][a-z0-9-]{0,62}$/;

/** Whether `name` is a name strictly under `zone` (whole labels). */
export function isInZone(name: string, zone: string): boolean {
  return name.endsWith(`.${zone}`) && name.length > zone.length + 1;
}

export function checkPublicHostname(value: string, field = 'hostname'): string {
  if (!isHostname(value) || !value.includes('.')) {
    throw new InvalidArgumentError({ field, value, problem: 'is not a lower-case DNS name', expected: 'a public name like app.example.net' });
  }
  return value;
}

export function checkSetupEdgeRoute(request: SetupEdgeRouteRequest, zone: string): CheckedEdgeRoute {
  const hostname = checkPublicHostname(request.hostname);
  if (hostname === zone || isInZone(hostname, zone)) {
    throw new InvalidArgumentError({ field: 'hostname', value: hostname, problem: `is in the internal zone ${zone}`, expected: 'a public name outside the internal zone' });
  }
  if (!isHostname(request.backendHostname)) {
    throw new InvalidArgumentError({ field: 'backend_hostname', value: request.backendHostname, problem: 'is not a lower-case DNS name', expected: `an internal name like <service>.${zone}` });
  }
  const port = request.backendPort;
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new InvalidArgumentError({ field: 'backend_port', value: port, problem: 'is not a port', expected: 'a whole number from 1 to 65535' });
  }
  if (!serviceName.test(request.service)) {
    throw new InvalidArgumentError({ field: 'service', value: request.service, problem: 'is not a service name', expected: "lower-case letters, digits and '-', starting with a letter" });
  }
  if (!request.backendTls) {
    throw new FailedPreconditionError(
      `edge route ${hostname}: backend_tls is false; an edge node only re-encrypts to its backends (the worker's proxy serves ${request.backendHostname} over TLS), nothing registered`,
    );
  }
  if (!isInZone(request.backendHostname, zone)) {
    throw new FailedPreconditionError(
      `edge route ${hostname}: backend ${request.backendHostname} is not in the internal zone ${zone}; an edge node forwards only to internal names (<service>.${zone}), nothing registered`,
    );
  }
  return { hostname, backendHostname: request.backendHostname, backendPort: port, service: request.service };
}
