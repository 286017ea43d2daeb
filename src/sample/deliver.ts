/**
 * Delivery faults: what happens between the tracker and the warehouse. Segment delivers at least once
 * (duplicates, occasionally with a slightly different timestamp), broken snippets send junk ids
 * ('undefined', '0', the all-zero UUID), and a few rows arrive malformed (no id, an unparseable timestamp,
 * a track without its event name). The engine must count these, not lose them silently.
 */
import { JUNK_IDS } from './catalog';
import { Rng } from './random';
import type { Delivery } from './shapes';
import type { SimEvent } from './simulate';

export interface FaultCounts {
  duplicates: number;
  junkAnonymousIds: number;
  junkUserIds: number;
  malformedMissingId: number;
  malformedTimestamp: number;
  malformedEventName: number;
}

export const emptyFaults = (): FaultCounts => ({
  duplicates: 0,
  junkAnonymousIds: 0,
  junkUserIds: 0,
  malformedMissingId: 0,
  malformedTimestamp: 0,
  malformedEventName: 0,
});

export interface FaultRates {
  duplicate: number;
  junkAnonymousId: number;
  junkUserId: number;
  malformed: number;
}

export const DEFAULT_FAULT_RATES: FaultRates = { duplicate: 0.01, junkAnonymousId: 0.004, junkUserId: 0.003, malformed: 0.0005 };

const iso = (ms: number) => new Date(ms).toISOString();

export class Deliverer {
  readonly counts = emptyFaults();
  private readonly rng: Rng;

  constructor(
    seed: string,
    private readonly rates: FaultRates = DEFAULT_FAULT_RATES,
  ) {
    // Its own stream, so the population does not change when fault rates do.
    this.rng = new Rng(`${seed}/delivery`);
  }

  /** The deliveries of one event: usually one, sometimes two (a duplicate), sometimes damaged. */
  deliver(e: SimEvent): Delivery[] {
    const rng = this.rng;
    const d: Delivery = { id: e.id, timestamp: iso(e.at), anonymousId: e.anonymousId, userId: e.userId, trackName: e.trackName };
    const browserEvent = e.kind === 'page' || e.kind === 'track';
    if (browserEvent && e.userId === null) {
      if (rng.chance(this.rates.junkAnonymousId)) {
        d.anonymousId = rng.pick(JUNK_IDS);
        this.counts.junkAnonymousIds++;
      } else if (rng.chance(this.rates.junkUserId)) {
        d.userId = rng.pick(JUNK_IDS);
        this.counts.junkUserIds++;
      }
    }
    if (rng.chance(this.rates.malformed)) {
      const kind = e.kind === 'track' && rng.chance(0.34) ? 'eventName' : rng.chance(0.5) ? 'id' : 'timestamp';
      if (kind === 'eventName') {
        d.trackName = null;
        this.counts.malformedEventName++;
      } else if (kind === 'id') {
        d.id = null;
        this.counts.malformedMissingId++;
      } else {
        d.timestamp = rng.pick(['not a timestamp', '2024-13-45T99:00:00Z', '']);
        this.counts.malformedTimestamp++;
      }
    }
    if (d.id !== null && rng.chance(this.rates.duplicate)) {
      this.counts.duplicates++;
      // At-least-once delivery: the same message id again, now and then with a timestamp a few seconds later.
      const shifted = rng.chance(0.2) && d.timestamp === iso(e.at) ? iso(e.at + rng.int(1, 5) * 1000) : d.timestamp;
      return [d, { ...d, timestamp: shifted }];
    }
    return [d];
  }
}

/** Whether the engine is expected to reject this delivery (so the evaluation can leave it out). */
export const isMalformed = (d: Delivery, e: SimEvent): boolean =>
  d.id === null || Number.isNaN(Date.parse(d.timestamp)) || (e.kind === 'track' && d.trackName === null);
