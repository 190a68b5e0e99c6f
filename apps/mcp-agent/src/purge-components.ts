// PurgeComponent: forgets registry rows whose component is both gone from the runtimes and no longer defined.
import { create } from '@bufbuild/protobuf';
import { PurgeResultSchema, ResultStatus, type PurgeResult } from '@mcp/proto';
import type { ComponentRef, PurgeInput, Service } from '@mcp/registry';
import { containerName } from '@mcp/runtime';
import { isValidName } from '@mcp/servicedef';
import type { AgentDeps } from './deps.js';
import { InvalidArgumentError, NotFoundError } from './errors.js';
import { instanceOf, observeNode, type NodeObservation } from './own-instances.js';
import { isStillDefined } from './recorded-definition.js';
import { servicesInScope } from './service-status.js';

export interface PurgeRequest {
  readonly service: string;
  readonly component: string;
  readonly dryRun: boolean;
}

interface Verdict extends ComponentRef {
  /** It has an instance, or its runtime could not be asked (so it may have one). */
  readonly present: boolean;
  readonly defined: boolean;
  /** Why the row stays; undefined when it is gone and undefined. */
  readonly keep?: string;
}

function judge(service: Service, component: Service['components'][number], observation: NodeObservation): Verdict {
  const ref = { service: service.name, component: component.name };
  const defined = isStillDefined(service, component.name);
  const unanswered = observation.unanswered.get(component.runtime);
  if (unanswered !== undefined) {
    return { ...ref, present: true, defined, keep: `kept: its runtime cannot be asked, so it may still exist (${unanswered})` };
  }
  const instance = instanceOf(observation, ref);
  if (instance !== undefined) {
    return { ...ref, present: true, defined, keep: `kept: ${instance.info.name} still exists (${instance.info.state})` };
  }
  const name = containerName(service.name, component.name);
  const namesake = observation.unclaimed.find((info) => info.name === name);
  if (namesake !== undefined) {
    const keep = `kept: an unlabelled container ${name} exists (${namesake.state}); adopt or remove it first`;
    return { ...ref, present: true, defined, keep };
  }
  if (defined) {
    return { ...ref, present: false, defined, keep: 'kept: still defined (part of the current definition of an active service)' };
  }
  return { ...ref, present: false, defined };
}

function checkScope(deps: AgentDeps, request: PurgeRequest): Service[] {
  if (request.component !== '' && request.service === '') {
    throw new InvalidArgumentError({
      field: 'component',
      value: request.component,
      problem: 'is given without a service',
      expected: 'a service name as well, or no component',
    });
  }
  const services = servicesInScope(deps, request.service);
  if (request.component !== '') {
    if (!isValidName(request.component)) {
      throw new InvalidArgumentError({
        field: 'component',
        value: request.component,
        problem: 'is not a valid component name',
        expected: "lower-case letters, digits and '-', starting with a letter, at most 63 characters",
      });
    }
    const service = services[0];
    if (service === undefined || !service.components.some((component) => component.name === request.component)) {
      const where = `service "${request.service}" of node "${deps.node.name}"`;
      throw new NotFoundError({ resource: 'component', name: request.component, where });
    }
  }
  return services;
}

function why(verdict: Verdict, dryRun: boolean, servicesGone: ReadonlySet<string>): string {
  const serviceGone = servicesGone.has(verdict.service) ? `; service ${verdict.service} goes too (no component left)` : '';
  return `${dryRun ? 'would be purged' : 'purged'}: no container or VM and no longer defined${serviceGone}`;
}

/**
 * Judges every component in scope, then lets the registry delete (in one transaction) exactly the rows that
 * are gone and undefined; one result per component, kept ones saying why.
 */
export async function purgeComponents(deps: AgentDeps, request: PurgeRequest): Promise<PurgeResult[]> {
  checkScope(deps, request);
  const observation = await observeNode(deps, deps.registry.listServices());
  // From here on nothing awaits: this agent is the registry's only writer, so the rows judged below are
  // exactly the rows the purge transaction sees (a deploy cannot slip in between).
  const verdicts: Verdict[] = [];
  for (const service of checkScope(deps, request)) {
    for (const component of service.components) {
      if (request.component === '' || component.name === request.component) verdicts.push(judge(service, component, observation));
    }
  }
  const input: PurgeInput = {
    observed: verdicts.filter((verdict) => verdict.present),
    defined: verdicts.filter((verdict) => verdict.defined),
    ...(request.service === ''
      ? {}
      : { scope: { service: request.service, ...(request.component === '' ? {} : { component: request.component }) } }),
  };
  const chosen = request.dryRun ? deps.registry.listPurgeCandidates(input) : deps.registry.purge(input);
  const purged = new Set(chosen.components.map((ref) => `${ref.service}/${ref.component}`));
  const servicesGone = new Set(chosen.services);
  return verdicts.map((verdict) => {
    const base = { service: verdict.service, component: verdict.component };
    if (purged.has(`${verdict.service}/${verdict.component}`)) {
      return create(PurgeResultSchema, { ...base, status: ResultStatus.OK, detail: why(verdict, request.dryRun, servicesGone) });
    }
    return create(PurgeResultSchema, { ...base, status: ResultStatus.SKIPPED, detail: verdict.keep ?? 'kept' });
  });
}
