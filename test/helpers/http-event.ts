export { httpTriggerEvent } from '../../lib/dev/http-event.js';

import { readFileSync } from 'node:fs';

/** A fixture from test/fixtures/events as the Buffer FC would hand over. */
export function fixture(name: string): Buffer {
  return readFileSync(new URL(`../fixtures/events/${name}`, import.meta.url));
}

const B64 = /^[A-Za-z0-9+/]{40,}={0,2}$/;

/** A timestamp rewritten to `now` in its own unit and shape (epoch s / ms, ISO, SAE's local time). */
function refreshText(text: string, now: number): string {
  const iso = new Date(now).toISOString();
  const epoch = (digits: string) => String(digits.length >= 13 ? now : Math.floor(now / 1000));
  return text
    .replace(/(timestamp=)(\d{10,13})/g, (_m, k: string, d: string) => k + epoch(d))
    .replace(/(\\?"timestamp\\?"\s*:\s*\\?"?)(\d{10,13})/g, (_m, k: string, d: string) => k + epoch(d))
    .replace(/(\\?"(?:startsAt|time)\\?"\s*:\s*\\?")(\d{4}-\d\d-\d\dT[^"\\]+)/g, (_m, k: string) => k + iso);
}

function refreshValue(v: unknown, now: number, key = ''): unknown {
  if (key === 'timestamp' && /^\d{10,13}$/.test(String(v))) {
    const fresh = String(v).length >= 13 ? now : Math.floor(now / 1000);
    return typeof v === 'number' ? fresh : String(fresh);
  }
  if ((key === 'time' || key === 'startsAt') && typeof v === 'string' && /^\d{4}-\d\d-\d\dT/.test(v))
    return new Date(now).toISOString();
  if (typeof v === 'string') {
    if (B64.test(v)) {
      const decoded = Buffer.from(v, 'base64').toString('utf8');
      const fresh = refreshText(decoded, now);
      if (fresh !== decoded) return Buffer.from(fresh, 'utf8').toString('base64');
    }
    return refreshText(v, now);
  }
  if (Array.isArray(v)) return v.map((x) => refreshValue(x, now));
  if (v && typeof v === 'object')
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, refreshValue(x, now, k)]));
  return v;
}

/**
 * A fixture whose alarm times (CloudMonitor `timestamp`, Alertmanager `startsAt`, CloudEvents `time`,
 * inside Base64 bodies too) say "now": the recorded samples are days old, and sae-rollback rightly
 * refuses evidence older than ALARM_MAX_AGE_SECONDS. Tests of the age rules use `fixture` as recorded.
 */
export function freshFixture(name: string, now = Date.now()): Buffer {
  const raw = fixture(name).toString('utf8');
  if (!name.endsWith('.json')) return Buffer.from(refreshText(raw, now));
  return Buffer.from(JSON.stringify(refreshValue(JSON.parse(raw), now), null, 2));
}
