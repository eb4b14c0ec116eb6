/** A doctor check from an existence probe (the MNS topic, the EventBridge bus): one wording per answer. */
import type { TopicProbe } from '../notify/mns-topic-probe.js';
import type { CheckResult } from './checks.js';

/** What the check says for each answer of the probe; an `error` answer is a `fail` naming the endpoint. */
export interface ProbeWording {
  /** `ok`'s detail. */
  exists: string;
  missing: { detail: string; fix: string };
  forbidden: (code: string) => Omit<CheckResult, 'name'>;
  /** The fix for a probe that got no usable answer. */
  error: string;
}

export function probeCheck(name: string, endpoint: string, probe: TopicProbe, w: ProbeWording): CheckResult {
  switch (probe.kind) {
    case 'exists':
      return { name, status: 'ok', detail: w.exists };
    case 'missing':
      return { name, status: 'fail', ...w.missing };
    case 'forbidden':
      return { name, ...w.forbidden(probe.code) };
    default:
      return { name, status: 'fail', detail: `${endpoint}: ${probe.detail.slice(0, 160)}`, fix: w.error };
  }
}
