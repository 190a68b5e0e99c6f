// The owner repairs what it owns: every period, the master compares each placement's DNS record with the zone and
// puts back a record that was lost or changed behind its back (SPEC §7). Records of no placement are left alone.
import { absoluteName, type DnsRecord } from '@mcp/dns';
import { ResultStatus } from '@mcp/proto';
import type { MasterLog, MasterStore, PlacementRecord } from './deps.js';
import type { IntervalTimer } from './health-monitor.js';
import { periodicPass, type PeriodicPass } from './periodic-pass.js';
import { expectedRecord, pointServiceAt, type ServiceDns } from './service-dns.js';
import { serviceLocksFor } from './service-lock.js';
import { errorText } from './step-results.js';

export interface DnsRepairOptions {
  readonly dns: ServiceDns;
  readonly store: MasterStore;
  readonly log: MasterLog;
  readonly timer: IntervalTimer;
  readonly periodMs: number;
}

export interface DnsRepairReport {
  /** Services whose record was checked. */
  readonly checked: readonly string[];
  /** Services whose record was put back. */
  readonly repaired: readonly string[];
  /** Services whose record could not be put back, with why; or the zone could not be read (`service: ''`). */
  readonly failed: readonly { readonly service: string; readonly error: string }[];
}

function describe(records: readonly DnsRecord[]): string[] {
  return records.map((record) => `${record.type} ${record.value}`);
}

export class DnsRepair {
  readonly #options: DnsRepairOptions;
  readonly #log: MasterLog;
  readonly #schedule: PeriodicPass;

  constructor(options: DnsRepairOptions) {
    this.#options = options;
    this.#log = options.log.child({ component: 'dns-repair', zone: options.dns.driver.zone });
    this.#schedule = periodicPass({
      timer: options.timer,
      periodMs: options.periodMs,
      pass: () => this.check(),
      onError: (error) => this.#log.error({ err: error }, 'DNS repair pass failed'),
      // Records lost while the master was down come back at once, not one period later.
      runAtStart: true,
    });
  }

  /** Checks now and every period from then on; a pass still running when the next is due is not doubled. */
  start(): void {
    this.#schedule.start();
  }

  /** Stops the schedule and waits for a pass in progress. */
  stop(): Promise<void> {
    return this.#schedule.stop();
  }

  /** One pass: read the zone once, then repair each placement whose record is not exactly its node's address. */
  async check(): Promise<DnsRepairReport> {
    const { dns, store } = this.#options;
    let records: DnsRecord[];
    try {
      records = await dns.driver.listRecords();
    } catch (error) {
      this.#log.warn({ err: errorText(error) }, 'DNS repair: cannot read the zone');
      return { checked: [], repaired: [], failed: [{ service: '', error: errorText(error) }] };
    }
    const checked: string[] = [];
    const repaired: string[] = [];
    const failed: { service: string; error: string }[] = [];
    for (const placement of store.listPlacements()) {
      checked.push(placement.service);
      const present = records.filter((record) => record.name === placement.service && (record.type === 'A' || record.type === 'AAAA'));
      if (this.#isRight(placement, present) !== false) continue;
      const outcome = await this.#repair(placement.service, present);
      if (outcome === 'repaired') repaired.push(placement.service);
      else if (outcome !== 'unchanged') failed.push({ service: placement.service, error: outcome.error });
    }
    return { checked, repaired, failed };
  }

  /** true/false, or undefined when there is nothing to compare with (node unknown, or without an IP address). */
  #isRight(placement: PlacementRecord, present: readonly DnsRecord[]): boolean | undefined {
    const node = this.#options.store.findNode(placement.node);
    if (node === undefined) return undefined;
    const expected = expectedRecord(node);
    if ('problem' in expected) return undefined;
    return present.length === 1 && present[0]?.type === expected.type && present[0].value === expected.value;
  }

  /** Under the service's lock, so a deploy or undeploy running now is not overwritten with what it replaces. */
  #repair(service: string, found: readonly DnsRecord[]): Promise<'repaired' | 'unchanged' | { error: string }> {
    const { store, dns } = this.#options;
    return serviceLocksFor(store).run(service, async () => {
      const placement = store.findPlacement(service);
      const node = placement === undefined ? undefined : store.findNode(placement.node);
      if (placement === undefined || node === undefined) return 'unchanged';
      const step = await pointServiceAt(dns, service, node);
      const log = this.#log.child({ service, node: node.name, name: absoluteName(service, dns.driver.zone) });
      if (step.status !== ResultStatus.OK) {
        log.warn({ found: describe(found), error: step.error }, 'DNS record of a placed service is wrong and could not be repaired');
        return { error: step.error };
      }
      log.warn({ found: describe(found), now: step.detail }, 'DNS record of a placed service was lost or changed; repaired');
      return 'repaired';
    });
  }
}
