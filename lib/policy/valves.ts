import { createHash } from 'node:crypto';
import type { SharedState } from '../idempotency/store.js';
import type { Alarm } from '../rollback/outcome.js';

/** The safety valves, each of which can refuse a rollback with a published `suppressed` outcome. */
import type { Valve } from './valve-names.js';

export { VALVES, type Valve } from './valve-names.js';

export interface ValveSettings {
  /** No second rollback of the same app within this long. 0 disables. Default 15 min. */
  cooldownMs: number;
  /** At most this many rollbacks (all apps) per `globalWindowMs`: a circuit breaker. 0 disables. Default 10. */
  globalCap: number;
  /** Default 10 min. */
  globalWindowMs: number;
  /** An alarm that changed state (ALERT ↔ OK) this many times within `flapWindowMs` is flapping. 0 disables. Default 4. */
  flapChanges: number;
  /** Default 30 min. */
  flapWindowMs: number;
}

export const DEFAULT_VALVES: ValveSettings = {
  cooldownMs: 15 * 60_000,
  globalCap: 10,
  globalWindowMs: 10 * 60_000,
  flapChanges: 4,
  flapWindowMs: 30 * 60_000,
};

/** What an alarm observation is about: the alarm and its target, as in a rollback request or parsed record. */
export interface AlarmSubject {
  alarm: Alarm;
  appId?: string | null | undefined;
  changeOrderId?: string | null | undefined;
}

/** Admission to roll back, or which valve refused and why. */
export type Admission =
  | {
      ok: true /** Gives back what admission took, when the rollback did not happen after all. */;
      undo(): Promise<void>;
    }
  | { ok: false; valve: Valve; reason: string };

const GLOBAL_KEY = 'sae-rollback:valve:global';

/**
 * The safety valves over the shared store, so every instance sees the same cool-downs, cap and alarm
 * history. Admission is asked only when a rollback is about to happen (claimed, still running), so
 * duplicates are never "suppressed". Taking a cool-down or a cap slot is keyed by the change order,
 * so a redelivery that takes over a crashed holder's claim is admitted again, not refused.
 */
export class Valves {
  readonly #store: SharedState;
  readonly settings: ValveSettings;

  constructor(opts: { store: SharedState; settings?: Partial<ValveSettings> }) {
    this.#store = opts.store;
    this.settings = { ...DEFAULT_VALVES, ...opts.settings };
  }

  /**
   * Records one observation of an alarm's state (ALERT when the source does not say) and returns how
   * many state changes it made within the flapping window. Call it for every delivery — also for the
   * "back to OK" records that are otherwise ignored — so the flapping guard sees the toggling.
   * Returns 0 (and records nothing) for alarms without a name or rule ID, or when the guard is off.
   */
  async observe(subject: AlarmSubject): Promise<number> {
    const key = alarmKey(subject);
    if (!key || this.settings.flapChanges <= 0) return 0;
    return this.#store.recordState(key, normalizeState(subject.alarm.state), this.settings.flapWindowMs);
  }

  /**
   * Asks every valve whether `changeOrderId` of `appId` may be rolled back now. `changes` is what
   * {@link observe} returned for this delivery's alarm. On success the cool-down and a cap slot are
   * taken; call `undo()` if the rollback then does not happen.
   */
  async admit(p: { appId: string; changeOrderId: string; changes: number }): Promise<Admission> {
    const s = this.settings;
    if (s.flapChanges > 0 && p.changes >= s.flapChanges) {
      return {
        ok: false,
        valve: 'flapping',
        reason: `The alarm changed state ${p.changes} times within ${minutes(s.flapWindowMs)}; a flapping alarm is not trusted to roll back. Fix the alarm's threshold or roll back by hand.`,
      };
    }
    const cooldownKey = cooldownKeyOf(p.appId);
    let cooled = false;
    if (s.cooldownMs > 0) {
      if (!(await this.#store.lease(cooldownKey, p.changeOrderId, s.cooldownMs))) {
        return {
          ok: false,
          valve: 'cool-down',
          reason: `App ${p.appId} was rolled back less than ${minutes(s.cooldownMs)} ago; not rolling it back again so soon. Look at the app by hand.`,
        };
      }
      cooled = true;
    }
    if (
      s.globalCap > 0 &&
      !(await this.#store.takeSlot(GLOBAL_KEY, p.changeOrderId, s.globalCap, s.globalWindowMs))
    ) {
      if (cooled) await this.#store.unlease(cooldownKey, p.changeOrderId);
      return {
        ok: false,
        valve: 'global-cap',
        reason: `Already ${s.globalCap} rollbacks within ${minutes(s.globalWindowMs)} (circuit breaker): when everything alarms, the cause is rarely the releases. Check monitoring and shared dependencies; roll back by hand if needed.`,
      };
    }
    return {
      ok: true,
      undo: async () => {
        if (s.globalCap > 0) await this.#store.releaseSlot(GLOBAL_KEY, p.changeOrderId);
        if (cooled) await this.#store.unlease(cooldownKey, p.changeOrderId);
      },
    };
  }
}

/** ALERT or OK: the flapping guard counts changes between the two, whatever the source calls them. */
export function normalizeState(state: string | undefined): 'ALERT' | 'OK' {
  return /^(ok|resolved|normal|recovered|inactive)$/i.test(state?.trim() ?? '') ? 'OK' : 'ALERT';
}

/** The identity of an alarm for the flapping guard: source, rule (or name), target. */
export function alarmKey(s: AlarmSubject): string | undefined {
  const rule = s.alarm.ruleId ?? s.alarm.name;
  if (!rule) return undefined;
  const id = [s.alarm.source, rule, s.appId ?? s.changeOrderId ?? ''].join('\u0000');
  return `sae-rollback:valve:alarm:${createHash('sha256').update(id).digest('hex').slice(0, 32)}`;
}

function minutes(ms: number): string {
  return ms >= 60_000 ? `${Math.round(ms / 60_000)} min` : `${Math.round(ms / 1000)} s`;
}

/** The cool-down's lease: held for the cool-down by the change order whose rollback started it. */
export function cooldownKeyOf(appId: string): string {
  return `sae-rollback:valve:cooldown:${appId}`;
}
