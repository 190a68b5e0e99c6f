// Drift and flapping of a component: pure functions over its desired state, observed state and transitions.

/** Desired state of a component; desired state is recorded per service (`active`). */
export type DesiredState = 'running' | 'stopped';

/** Observed state of a component the registry has never seen in a runtime. */
export const NEVER_OBSERVED = 'unknown';

/** How many state transitions within how long make a component flap (SPEC §4 "Monitor"). */
export interface FlappingPolicy {
  readonly windowMs: number;
  /** Flapping means more transitions than this within the window. */
  readonly maxTransitions: number;
}

/** The Go MCP's defaults: more than 3 transitions in 10 minutes. */
export const DEFAULT_FLAPPING: FlappingPolicy = { windowMs: 10 * 60_000, maxTransitions: 3 };

export function desiredStateOf(active: boolean): DesiredState {
  return active ? 'running' : 'stopped';
}

/**
 * Desired running but not running, or desired stopped but running. A component never observed is not
 * in drift (nothing is known yet), and a stopped one whose container is gone is where it should be.
 */
export function isDrift(desired: string, observed: string): boolean {
  if (observed === NEVER_OBSERVED || desired === '') return false;
  return (desired === 'running') !== (observed === 'running');
}

export interface Transition {
  readonly time: Date;
  readonly toState?: string;
}

export interface DriftInput {
  readonly desired: string;
  readonly observed: string;
  /** When the current observation was recorded; the drift's start when no transition tells. */
  readonly observedAt?: Date;
  /** The component's recorded transitions, newest first. */
  readonly transitions: readonly Transition[];
  readonly now: Date;
  readonly policy: FlappingPolicy;
}

export interface DriftDescription {
  /** When the component last left a state that agreed with the desired one. */
  readonly since: Date;
  /** Transitions within the flapping window. */
  readonly transitions: number;
  readonly flapping: boolean;
}

/** When a drift began and whether the component flaps; call only for a component in drift. */
export function describeDrift(input: DriftInput): DriftDescription {
  let since: Date | undefined;
  for (const transition of input.transitions) {
    if (transition.toState === undefined || !isDrift(input.desired, transition.toState)) break;
    since = transition.time;
  }
  const windowStart = input.now.getTime() - input.policy.windowMs;
  const transitions = input.transitions.filter((transition) => transition.time.getTime() >= windowStart).length;
  return {
    since: since ?? input.observedAt ?? input.now,
    transitions,
    flapping: transitions > input.policy.maxTransitions,
  };
}
