// The deploy and lifecycle RPCs: check the request, take the service's lock, run the operation, log its outcome.
import { create } from '@bufbuild/protobuf';
import {
  DeployResponseSchema,
  RecoverResponseSchema,
  ResultStatus,
  RestartServiceResponseSchema,
  StartServiceResponseSchema,
  StopServiceResponseSchema,
  SyncDesiredStateResponseSchema,
  UndeployServiceResponseSchema,
  type ComponentResult,
} from '@mcp/proto';
import type { Service } from '@mcp/registry';
import { isValidName } from '@mcp/servicedef';
import type { HandlerGroup } from '../agent-handlers.js';
import { deployService } from '../deploy.js';
import type { AgentDeps, AgentLog } from '../deps.js';
import { enforceDeployPolicy } from '../deploy-policy.js';
import { InvalidArgumentError, NotFoundError } from '../errors.js';
import { restartService, startService, stopService, undeployService, type ComponentsOutcome } from '../lifecycle.js';
import { recoverServices } from '../recover.js';
import { currentComponents } from '../recorded-definition.js';
import { withServiceLock } from '../service-lock.js';
import { syncDesiredState } from '../sync.js';
import { pullPolicyOf, serviceSpecFromProto } from '../wire/spec.js';

const NAME_EXPECTED = 'lower-case letters, digits and "-", starting with a letter, not ending with "-", at most 63 characters';

/** A service or component name from a request: present and well formed (it becomes a container name). */
export function checkName(field: string, value: string, what: 'service' | 'component'): string {
  if (value === '') throw new InvalidArgumentError({ field, value, problem: 'is empty', expected: `a ${what} name` });
  if (!isValidName(value)) throw new InvalidArgumentError({ field, value, problem: `is not a valid ${what} name`, expected: NAME_EXPECTED });
  return value;
}

/** The recorded service, or NotFound naming it. */
export function recordedService(deps: AgentDeps, name: string): Service {
  const service = deps.registry.findService(name);
  if (service === undefined) throw new NotFoundError({ resource: 'service', name, where: `the registry of node "${deps.node.name}"` });
  return service;
}

function statusName(status: ResultStatus): string {
  return ResultStatus[status];
}

/** What the log keeps of an outcome: per component its status and first error; never a spec (env may hold secrets). */
function logOutcome(log: AgentLog, message: string, outcome: { success: boolean; results: readonly ComponentResult[] }): void {
  const components = outcome.results.map((result) => ({
    component: result.name,
    status: statusName(result.status),
    ...(result.error === '' ? {} : { error: result.error }),
  }));
  (outcome.success ? log.info.bind(log) : log.warn.bind(log))({ success: outcome.success, components }, message);
}

/** Runs a lifecycle operation on a recorded service under its lock, logging what it did. */
async function onService<T extends ComponentsOutcome>(
  deps: AgentDeps,
  rpc: string,
  name: string,
  run: (service: Service) => Promise<T>,
): Promise<T> {
  const log = deps.log.child({ rpc, service: name });
  return withServiceLock(deps.registry, name, async () => {
    const outcome = await run(recordedService(deps, name));
    logOutcome(log, `${rpc} finished`, outcome);
    return outcome;
  });
}

export const deployRpcs: HandlerGroup = (deps) => ({
  async deploy(request) {
    const spec = serviceSpecFromProto(request.service, 'service');
    await enforceDeployPolicy(deps, spec, 'service');
    let component: string | undefined;
    if (request.component !== '') {
      const names = spec.components.map((candidate) => candidate.name);
      if (!names.includes(request.component)) {
        throw new InvalidArgumentError({
          field: 'component',
          value: request.component,
          service: spec.name,
          problem: 'is not a component of the service definition',
          expected: `"" (every component) or one of ${names.map((name) => `"${name}"`).join(', ')}`,
        });
      }
      component = request.component;
    }
    const log = deps.log.child({ rpc: 'Deploy', service: spec.name });
    const pull = pullPolicyOf(request);
    log.info({ component: component ?? '', pull }, 'Deploy started');
    const outcome = await withServiceLock(deps.registry, spec.name, () =>
      deployService(deps, { spec, pull, ...(component === undefined ? {} : { component }) }),
    );
    logOutcome(log, 'Deploy finished', outcome);
    return create(DeployResponseSchema, outcome);
  },

  async stopService(request) {
    const name = checkName('service', request.service, 'service');
    return create(StopServiceResponseSchema, await onService(deps, 'StopService', name, () => stopService(deps, name)));
  },

  async startService(request) {
    const name = checkName('service', request.service, 'service');
    return create(StartServiceResponseSchema, await onService(deps, 'StartService', name, () => startService(deps, name)));
  },

  async restartService(request) {
    const name = checkName('service', request.service, 'service');
    const component = request.component === '' ? undefined : checkName('component', request.component, 'component');
    const outcome = await onService(deps, 'RestartService', name, (service) => {
      if (component !== undefined && !currentComponents(service).some((candidate) => candidate.name === component)) {
        throw new NotFoundError({ resource: 'component', name: component, where: `service "${name}"` });
      }
      return restartService(deps, name, component);
    });
    return create(RestartServiceResponseSchema, outcome);
  },

  async undeployService(request) {
    const name = checkName('service', request.service, 'service');
    const outcome = await onService(deps, 'UndeployService', name, () => undeployService(deps, name));
    return create(UndeployServiceResponseSchema, outcome);
  },

  async syncDesiredState(request) {
    const specs = request.services.map((spec, index) => serviceSpecFromProto(spec, `services[${index}]`));
    for (const [index, spec] of specs.entries()) await enforceDeployPolicy(deps, spec, `services[${index}]`);
    const seen = new Map<string, number>();
    specs.forEach((spec, index) => {
      const first = seen.get(spec.name);
      if (first !== undefined) {
        throw new InvalidArgumentError({
          field: `services[${index}].name`,
          value: spec.name,
          problem: `names the same service as services[${first}]`,
          expected: 'each service once per request',
        });
      }
      seen.set(spec.name, index);
    });
    const log = deps.log.child({ rpc: 'SyncDesiredState' });
    const outcome = await syncDesiredState(deps, specs);
    log.info(
      {
        success: outcome.success,
        services: outcome.results.map((result) => ({ service: result.service, status: statusName(result.status), change: result.change })),
      },
      'SyncDesiredState finished',
    );
    return create(SyncDesiredStateResponseSchema, outcome);
  },

  async recover(request) {
    let service: string | undefined;
    if (request.service !== '') {
      service = checkName('service', request.service, 'service');
      recordedService(deps, service);
    }
    const log = deps.log.child({ rpc: 'Recover', service: service ?? '' });
    const outcome = await recoverServices(deps, service === undefined ? {} : { service });
    log.info(
      {
        success: outcome.success,
        components: outcome.results.map((result) => ({
          service: result.service,
          component: result.component,
          status: statusName(result.status),
          ...(result.error === '' ? {} : { error: result.error }),
        })),
      },
      'Recover finished',
    );
    return create(RecoverResponseSchema, outcome);
  },
});
