import { parseJson } from './decode.js';
import { idVerdict, pickIds, targetWords } from './keys.js';
import { type Ctx, makeRecord, obj, text, where } from './record.js';
import type { NormalizedRequest } from './types.js';

/**
 * CloudMonitor threshold-alert callback (报警回调). Current docs: form-urlencoded POST; older docs and
 * some integrations: a JSON body. Real callbacks differ from the doc sample: `timestamp` in seconds or
 * milliseconds, the literal string `null` for missing values, `dimensions` as a Java-map string
 * `{appId=…, userId=…}` or as JSON (`{"appId":"…"}` or `[{"appId":"…"}]`). The SAE app is the `appId`
 * dimension of the `acs_serverless` metrics.
 */
export function looksCloudMonitor(o: Record<string, unknown>): boolean {
  return 'alertState' in o || ('alertName' in o && ('ruleId' in o || 'metricName' in o || 'curValue' in o));
}

const ACT = new Set(['ALERT', 'ALARM']);
const IDLE = new Set(['OK', 'INSUFFICIENT_DATA']);
const HINT =
  'Alert on an SAE application metric (namespace acs_serverless), whose dimensions include appId, or add appId to the callback.';

export function parseCloudMonitor(f: Record<string, unknown>, ctx: Ctx): NormalizedRequest {
  const dims = dimensions(f.dimensions);
  const state = text(f.alertState)?.toUpperCase();
  const sent = millis(f.timestamp);
  // The callback's time is when it was sent; `lastTime` says how long the alert has lasted by then.
  const lasted = lastedMs(f.lastTime);
  const ts = sent === undefined ? undefined : sent - (lasted ?? 0);
  const namespace = text(f.namespace) ?? text(f.metricProject);
  const metric = text(f.metricName);
  const alarm = {
    name: text(f.alertName),
    state,
    value: text(f.curValue),
    metric: metric && namespace ? `${namespace}/${metric}` : metric,
    ruleId: text(f.ruleId),
    severity: text(f.triggerLevel),
    firedAt: ts === undefined ? undefined : new Date(ts).toISOString(),
  };
  const transId = text(f.transId);
  const key = transId
    ? `cms:${transId}`
    : alarm.ruleId && sent !== undefined
      ? `cms:${alarm.ruleId}@${sent}`
      : undefined;
  const common = { alarm: defined(alarm), key, content: f };
  const ids = pickIds([
    { where: 'dimensions', from: dims.value },
    { where: '', from: f },
  ]);
  if (dims.problem && !ids.appId && !ids.changeOrderId) ids.problems.push(dims.problem);

  if (state && IDLE.has(state)) {
    return makeRecord(ctx, 'cloudmonitor', {
      ...common,
      disposition: 'ignore',
      reason: `CloudMonitor alert "${alarm.name ?? '?'}" is ${state}: nothing to roll back.`,
      ...validIds(ids),
    });
  }
  if (!state || !ACT.has(state)) {
    return makeRecord(ctx, 'cloudmonitor', {
      ...common,
      disposition: 'reject',
      reason: `CloudMonitor alert ${where(ctx)} has alertState ${state ? JSON.stringify(state) : 'missing'}; expected ALERT (or ALARM), OK or INSUFFICIENT_DATA.`,
    });
  }
  const bad = idVerdict(ids, `in the CloudMonitor alert ${where(ctx)}`, HINT);
  if (bad) return makeRecord(ctx, 'cloudmonitor', { ...common, disposition: 'reject', reason: bad });
  return makeRecord(ctx, 'cloudmonitor', {
    ...common,
    disposition: 'act',
    reason: `CloudMonitor alert "${alarm.name ?? '?'}" is ${state} and ${targetWords(ids)}.`,
    ...validIds(ids),
  });
}

function validIds(ids: { changeOrderId?: string; appId?: string }) {
  return { changeOrderId: ids.changeOrderId, appId: ids.appId };
}

function defined<T extends Record<string, string | undefined>>(o: T): Record<string, string> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Record<string, string>;
}

/** Seconds (the doc) or milliseconds (real callbacks), as epoch ms. */
function millis(v: unknown): number | undefined {
  const n =
    typeof v === 'number' ? v : typeof v === 'string' && /^\d{9,16}$/.test(v.trim()) ? Number(v) : NaN;
  if (!Number.isFinite(n) || n <= 0) return undefined;
  const ms = n < 1e11 ? n * 1000 : n;
  return ms < 8.64e15 ? ms : undefined;
}

const UNIT_MS: Record<string, number> = {
  天: 86_400_000,
  d: 86_400_000,
  day: 86_400_000,
  days: 86_400_000,
  小时: 3_600_000,
  h: 3_600_000,
  hour: 3_600_000,
  hours: 3_600_000,
  分钟: 60_000,
  分: 60_000,
  m: 60_000,
  min: 60_000,
  mins: 60_000,
  minute: 60_000,
  minutes: 60_000,
  秒: 1000,
  s: 1000,
  sec: 1000,
  secs: 1000,
  second: 1000,
  seconds: 1000,
};

/**
 * CloudMonitor's `lastTime` ("持续时间", how long the alert has lasted), as real callbacks send it:
 * `2天16小时27分钟`, `27分钟`, `3 min`, `1h 5m`. Anything else (a bare number has no unit) is undefined:
 * the alarm is then dated by its timestamp alone.
 */
export function lastedMs(v: unknown): number | undefined {
  const t = typeof v === 'string' ? v.trim().toLowerCase() : '';
  if (t === '' || t === 'null') return undefined;
  // 天|小时|分钟|分|秒 escaped: esbuild keeps regex literals as written, and one non-ASCII character
  // makes V8 hold the whole bundle's source as a two-byte string (test/build/bundle.test.ts).
  const parts = [...t.matchAll(/(\d+(?:\.\d+)?)\s*([a-z]+|\u5929|\u5c0f\u65f6|\u5206\u949f|\u5206|\u79d2)/g)];
  if (
    parts.length === 0 ||
    parts
      .map((p) => p[0])
      .join('')
      .replace(/\s/g, '') !== t.replace(/\s/g, '')
  )
    return undefined;
  let ms = 0;
  for (const [, n, unit] of parts) {
    const per = UNIT_MS[unit ?? ''];
    if (per === undefined) return undefined;
    ms += Number(n) * per;
  }
  return ms;
}

/** `{k=v, k=v}` (Java map), `{"k":"v"}`, `[{"k":"v"}]`, or an object already. */
function dimensions(v: unknown): { value?: Record<string, unknown>; problem?: string } {
  const o = obj(v);
  if (o) return { value: o };
  if (Array.isArray(v)) return { value: Object.fromEntries(v.flatMap((x) => Object.entries(obj(x) ?? {}))) };
  const t = typeof v === 'string' ? v.trim() : '';
  if (t === '' || t === 'null') return {};
  if (/^(\[\s*)?\{\s*"/.test(t)) {
    const j = parseJson(t, 'dimensions');
    if (!j.ok) return { problem: j.reason };
    return dimensions(j.value);
  }
  if (!t.startsWith('{') || !t.endsWith('}')) {
    return { problem: 'dimensions is neither {k=v, …} nor JSON' };
  }
  const pairs: Array<[string, string]> = [];
  for (const part of t.slice(1, -1).split(',')) {
    const eq = part.indexOf('=');
    if (eq > 0) pairs.push([part.slice(0, eq).trim(), part.slice(eq + 1).trim()]);
  }
  return { value: Object.fromEntries(pairs) };
}
