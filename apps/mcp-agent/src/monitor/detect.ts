// The monitor's pure core: a component's condition from its states and transitions, and which alert (if any) that
// condition calls for given the alert last sent and its cooldown. No I/O, no clock: `now` is an argument.
import { NEVER_OBSERVED, describeDrift, isDrift, type FlappingPolicy, type Transition } from '../drift.js';

export type AlertKind = 'drift' | 'flapping' | 'recovered';

/** Alert kinds that say something is wrong; `recovered` closes what they opened. */
export type ProblemKind = Exclude<AlertKind, 'recovered'>;

/**
 * What a component looks like now:
 * - `unknown`: never observed, nothing to say;
 * - `flapping`: more state transitions in the window than the policy allows, whatever its state now;
 * - `drift`: desired ≠ observed;
 * - `settling`: desired = observed, but it changed state less than `recoverySettleMs` ago;
 * - `well`: desired = observed, and has been for at least `recoverySettleMs`.
 */
export type Condition = 'unknown' | 'flapping' | 'drift' | 'settling' | 'well';

export interface AlertPolicy {
  readonly flapping: FlappingPolicy;
  /** After an alert, how long the same alert is not sent again while its condition lasts. */
  readonly cooldownMs: number;
  /** How long a component must agree with its desired state before it counts as recovered. */
  readonly recoverySettleMs: number;
}

export interface ComponentSituation {
  readonly desired: string;
  readonly observed: string;
  /** Its recorded transitions, newest first; `flapping.maxTransitions + 1` of them are enough. */
  readonly transitions: readonly Transition[];
}

export interface ConditionReport {
  readonly condition: Condition;
  /** Transitions within the flapping window (at most as many as were given). */
  readonly transitionsInWindow: number;
}

export function conditionOf(situation: ComponentSituation, now: Date, policy: AlertPolicy): ConditionReport {
  if (situation.observed === NEVER_OBSERVED) return { condition: 'unknown', transitionsInWindow: 0 };
  // describeDrift's flapping count does not depend on the component being in drift: one definition of flapping.
  const { flapping, transitions } = describeDrift({
    desired: situation.desired,
    observed: situation.observed,
    transitions: situation.transitions,
    now,
    policy: policy.flapping,
  });
  const report = (condition: Condition): ConditionReport => ({ condition, transitionsInWindow: transitions });
  if (flapping) return report('flapping');
  if (isDrift(situation.desired, situation.observed)) return report('drift');
  const lastChange = situation.transitions[0]?.time;
  if (lastChange !== undefined && now.getTime() - lastChange.getTime() < policy.recoverySettleMs) return report('settling');
  return report('well');
}

/** The alert last sent for a component (the registry's alert_state row, without the component). */
export interface AlertMemory {
  readonly lastKind: string;
  readonly lastAlertAt: Date;
  /** No repeat of `lastKind` before this time. */
  readonly cooldownUntil: Date;
}

export interface AlertDecision {
  /** The alert to send now, if any. */
  readonly send: AlertKind | undefined;
  /** The memory to keep: the previous one unless an alert is sent. */
  readonly memory: AlertMemory | undefined;
}

function isProblem(kind: string | undefined): kind is ProblemKind {
  return kind === 'drift' || kind === 'flapping';
}

/**
 * Decides from the condition and the last alert:
 * - a problem is reported when the operator has not been told of one (no alert yet, or the last one said
 *   "recovered"); drift → flapping is reported at once (it is worse); any other repeat waits for the cooldown;
 * - `recovered` is sent once, only when the last alert reported a problem and the component is `well`;
 * - `unknown` and `settling` change nothing.
 * The memory lives in the registry, so an agent restart neither forgets a cooldown nor repeats an alert.
 */
export function decideAlert(condition: Condition, memory: AlertMemory | undefined, now: Date, cooldownMs: number): AlertDecision {
  const keep: AlertDecision = { send: undefined, memory };
  const send = (kind: AlertKind): AlertDecision => ({
    send: kind,
    memory: { lastKind: kind, lastAlertAt: now, cooldownUntil: new Date(now.getTime() + cooldownMs) },
  });
  const open = isProblem(memory?.lastKind);
  const cooling = memory !== undefined && now.getTime() < memory.cooldownUntil.getTime();
  switch (condition) {
    case 'unknown':
    case 'settling':
      return keep;
    case 'well':
      return open ? send('recovered') : keep;
    case 'drift':
      return !open || !cooling ? send('drift') : keep;
    case 'flapping':
      return !open || memory?.lastKind === 'drift' || !cooling ? send('flapping') : keep;
  }
}

export interface AlertText {
  readonly kind: AlertKind;
  readonly node: string;
  readonly service: string;
  readonly component: string;
  readonly desired: string;
  readonly observed: string;
  readonly flapping: FlappingPolicy;
}

function duration(ms: number): string {
  if (ms % 60_000 === 0) return `${ms / 60_000} min`;
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`;
}

/** One line an operator reads in a notification. */
export function alertMessage(text: AlertText): string {
  const who = `${text.service}/${text.component} on ${text.node}`;
  switch (text.kind) {
    case 'drift':
      return `${who} is ${text.observed}, desired ${text.desired}`;
    case 'flapping':
      return (
        `${who} is flapping: more than ${text.flapping.maxTransitions} state changes within ` +
        `${duration(text.flapping.windowMs)}; now ${text.observed}, desired ${text.desired}`
      );
    case 'recovered':
      return `${who} is ${text.observed} again, as desired`;
  }
}
