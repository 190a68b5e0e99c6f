// Service definitions and per-step outcomes between the wire (protobuf) and the agent's domain (the registry's types,
// which are servicedef's definition types).
import { create } from '@bufbuild/protobuf';
import {
  ComponentResultSchema,
  PullPolicy as WirePullPolicy,
  ResultStatus,
  RouteBindingSchema,
  StepResultSchema,
  type ComponentResult,
  type RouteBinding,
  type ServiceSpec as ProtoServiceSpec,
  type StepResult,
} from '@mcp/proto';
import type { RouteSpec, ServiceSpec } from '@mcp/registry';
import {
  countedTier, definitionFromRequest, definitionToProto, recordedDefinition, routeDefinitionToProto, type RequestSpecProblem, type ServiceDefinition,
} from '@mcp/servicedef';
import type { PullPolicy } from '../deploy.js';
import { InvalidArgumentError } from '../errors.js';

/** One problem of a service definition received over RPC, named by its request field. */
export type SpecProblem = RequestSpecProblem;

/** A service definition in a request breaks the rules of a definition file; lists every problem at once. */
export class InvalidServiceSpecError extends InvalidArgumentError {
  readonly problems: readonly SpecProblem[];

  constructor(problems: readonly SpecProblem[], value: unknown) {
    const first = problems[0] ?? { field: 'service', message: 'service: is not a valid service definition' };
    super({ field: first.field, value, problem: 'is not a valid service definition', expected: 'a definition as in a service file' });
    this.name = 'InvalidServiceSpecError';
    this.problems = problems;
    this.message = problems.map((problem) => problem.message).join('\n');
  }
}

/** A Deploy request's pull policy; an unset `pull` falls back to `no_pull` (callers that predate `pull`). */
export function pullPolicyOf(request: { readonly pull: WirePullPolicy; readonly noPull: boolean }): PullPolicy {
  switch (request.pull) {
    case WirePullPolicy.ALWAYS:
      return 'always';
    case WirePullPolicy.NEVER:
      return 'never';
    case WirePullPolicy.IF_ABSENT:
      return 'if-absent';
    default:
      return request.noPull ? 'never' : 'if-absent';
  }
}

/**
 * Reads a service definition from a request with the rules of a definition file (the same ones `mcp validate`
 * applies), so an RPC cannot record what a file could not say. `field` names it in errors (`service`,
 * `services[2]`). Throws InvalidServiceSpecError listing every problem. The registry records the definition itself
 * (one model), all but the CLI's build workspace (servicedef's recordedDefinition).
 */
export function serviceSpecFromProto(spec: ProtoServiceSpec | undefined, field = 'service'): ServiceSpec {
  if (spec === undefined) {
    throw new InvalidServiceSpecError([{ field, message: `${field}: missing; expected a service definition` }], undefined);
  }
  const checked = definitionFromRequest(spec, field);
  if (!checked.ok) throw new InvalidServiceSpecError(checked.problems, spec);
  return recordedDefinition(checked.definition);
}

/**
 * The recorded definition as the wire carries it (ListServices, `mcp service export`), written by servicedef's one
 * proto writer (definitionToProto), so the agent and the CLI put a definition on the wire the same way. Routes go
 * without their host ports (the writer takes a route's definition fields only). Node wins over tier (servicedef):
 * the registry keeps a tier for every service ("worker" for a pinned one without), so a pinned one goes without.
 */
export function serviceSpecToProto(spec: ServiceSpec): ProtoServiceSpec {
  const tier = countedTier(spec);
  const definition: ServiceDefinition = { ...spec, buildImages: {} };
  if (tier === undefined) delete definition.tier;
  return definitionToProto(definition);
}

/** A route with the host port allocated for it (0 once released). */
export function routeBinding(route: RouteSpec): RouteBinding {
  return create(RouteBindingSchema, { route: routeDefinitionToProto(route), hostPort: route.hostPort ?? 0 });
}

export function stepOk(step: string, detail = ''): StepResult {
  return create(StepResultSchema, { step, success: true, status: ResultStatus.OK, detail });
}

export function stepSkipped(step: string, reason: string): StepResult {
  return create(StepResultSchema, { step, success: true, status: ResultStatus.SKIPPED, detail: reason });
}

export function stepFailed(step: string, error: string): StepResult {
  return create(StepResultSchema, { step, success: false, status: ResultStatus.FAILED, error });
}

/** FAILED when a step failed, OK when one was done, SKIPPED when none applied. */
export function overallStatus(steps: readonly StepResult[]): ResultStatus {
  if (steps.some((step) => step.status === ResultStatus.FAILED)) return ResultStatus.FAILED;
  if (steps.some((step) => step.status === ResultStatus.OK)) return ResultStatus.OK;
  return ResultStatus.SKIPPED;
}

export interface ComponentResultOptions {
  /** Routes with their host ports, reported after a deploy or start. */
  readonly routes?: readonly RouteSpec[];
  /** Fails the component although none of its own steps failed (another component's failure stopped it). */
  readonly error?: string;
}

/** A component's outcome from its steps: the first failure (or options.error) is its error. */
export function componentResult(name: string, steps: readonly StepResult[], options: ComponentResultOptions = {}): ComponentResult {
  const status = options.error === undefined ? overallStatus(steps) : ResultStatus.FAILED;
  return create(ComponentResultSchema, {
    name,
    success: status !== ResultStatus.FAILED,
    error: options.error ?? steps.find((step) => step.status === ResultStatus.FAILED)?.error ?? '',
    status,
    steps: [...steps],
    routes: (options.routes ?? []).map(routeBinding),
  });
}

export function allSucceeded(results: readonly { readonly success: boolean }[]): boolean {
  return results.every((result) => result.success);
}
