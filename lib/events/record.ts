import { createHash } from 'node:crypto';
import type { Alarm } from '../rollback/outcome.js';
import type { AlertKeys } from './alert-keys.js';
import type { Disposition, NormalizedRequest } from './types.js';

/** Where a parser is: how deep, through which envelopes, and the delivery identities seen so far. */
export interface Ctx {
  receivedAt: number;
  /** Envelopes entered so far (0 for the event itself). */
  depth: number;
  via: string[];
  /** Path from the event root, e.g. `[2].data.messageBody`. */
  path: string;
  /** Delivery identities of the enclosing envelopes, outermost first. */
  keys: string[];
  /** Path since the last identity, so two records under one identity get different keys. */
  rel: string;
  /** Configured label / annotation names of Alertmanager alerts' IDs; default {@link DEFAULT_ALERT_KEYS}. */
  alertKeys?: AlertKeys;
}

export function rootCtx(receivedAt: number, alertKeys?: AlertKeys): Ctx {
  return { receivedAt, depth: 0, via: [], path: '', keys: [], rel: '', ...(alertKeys ? { alertKeys } : {}) };
}

/** The context for a part of the current value (`.data`, `[3]`), same envelope. */
export function at(ctx: Ctx, step: string): Ctx {
  return { ...ctx, path: ctx.path + step, rel: ctx.rel + step };
}

/**
 * The context inside an envelope: one level deeper, with the envelope's delivery identity if any.
 * `envelope` '' for a format that is itself the event (an SAE CloudEvent): keyed, but no `via` step.
 */
export function enter(ctx: Ctx, envelope: string, step: string, key?: string): Ctx {
  const k = key ? keyPart(key) : undefined;
  return {
    ...ctx,
    depth: ctx.depth + 1,
    via: envelope ? [...ctx.via, envelope] : ctx.via,
    path: ctx.path + step,
    keys: k ? [...ctx.keys, k] : ctx.keys,
    rel: k ? '' : ctx.rel + step,
  };
}

/** The path as words for a reason: "at [2].data.value" or "in the event". */
export function where(ctx: Ctx): string {
  return ctx.path ? `at ${ctx.path}` : 'in the event';
}

/** Identity fragments come from the sender: printable ASCII only, bounded. */
function keyPart(raw: string): string {
  return raw.replace(/[^\x21-\x7e]/g, '?').slice(0, 160);
}

const MAX_TEXT = 512;
/** Alarm fields are for humans: bounded, and a literal "null" (CloudMonitor) is no value. */
export function text(v: unknown): string | undefined {
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (typeof v !== 'string') return undefined;
  const t = v.trim();
  if (t === '' || t === 'null') return undefined;
  return t.length > MAX_TEXT ? `${t.slice(0, MAX_TEXT - 1)}…` : t;
}

export function obj(v: unknown): Record<string, unknown> | undefined {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
    ? (v as Record<string, unknown>)
    : undefined;
}

export interface RecordFields {
  disposition: Disposition;
  reason: string;
  changeOrderId?: string | undefined;
  appId?: string | undefined;
  alarm?: Partial<Alarm>;
  /** This record's own identity (alert fingerprint, transId, message ID). */
  key?: string | undefined;
  /** What to hash when no identity exists anywhere on the way in. */
  content?: unknown;
}

/**
 * The record's `source`: the envelopes it came through plus the format that named the target, e.g.
 * `cloudmonitor`, `kafka` (a plain body in a Kafka message), `mns-topic/cloudmonitor` (an alert
 * forwarded through MNS). Transport-only steps (HTTP, Base64) are left to `via`.
 */
function sourceOf(ctx: Ctx, format: string): string {
  const chain = ctx.via.filter((v) => v !== 'http' && v !== 'base64');
  if (chain.length > 0 && (format === 'direct' || format === 'unknown')) return chain.join('/');
  return [...chain, format].filter((v, i, all) => v !== all[i - 1]).join('/');
}

/** Builds one normalized record. */
export function makeRecord(ctx: Ctx, format: string, f: RecordFields): NormalizedRequest {
  const source = sourceOf(ctx, format);
  const alarm: Alarm = { source };
  for (const [k, v] of Object.entries(f.alarm ?? {})) {
    if (k !== 'source' && typeof v === 'string' && v !== '') (alarm as Record<string, string>)[k] = v;
  }
  return {
    source,
    changeOrderId: f.changeOrderId ?? null,
    appId: f.appId ?? null,
    actionable: f.disposition === 'act',
    disposition: f.disposition,
    reason: f.reason,
    alarm,
    dedupeKey: dedupeKey(ctx, source, f),
    receivedAt: ctx.receivedAt,
    via: ctx.via,
    path: ctx.path,
  };
}

function dedupeKey(ctx: Ctx, source: string, f: RecordFields): string {
  const own = f.key ? keyPart(f.key) : undefined;
  if (own) return [...ctx.keys, own].join('/');
  if (ctx.keys.length > 0) return [...ctx.keys].join('/') + (ctx.rel ? `#${ctx.rel}` : '');
  let content: string;
  try {
    content = typeof f.content === 'string' ? f.content : (JSON.stringify(f.content) ?? '');
  } catch {
    content = String(f.content);
  }
  const hash = createHash('sha256').update(content).digest('hex').slice(0, 32);
  return `${source}:sha256:${hash}${ctx.rel ? `#${ctx.rel}` : ''}`;
}

/** Shorthand for a rejection: what was wrong, where, what to do. */
export function reject(ctx: Ctx, source: string, reason: string, content?: unknown): NormalizedRequest {
  return makeRecord(ctx, source, { disposition: 'reject', reason, content });
}

/** How a parser hands a message body back to the detector (bodies may be any supported format). */
export interface Recurse {
  /** A body that arrived as text: JSON, form, Base64 of those, or a plain ID. */
  text(t: string, ctx: Ctx): NormalizedRequest[];
  /** A body that arrived as parsed JSON. */
  value(v: unknown, ctx: Ctx): NormalizedRequest[];
}

/** A message body that may be text or already-parsed JSON (e.g. Kafka `value`, RabbitMQ `body`). */
export function body(v: unknown, ctx: Ctx, r: Recurse, source: string): NormalizedRequest[] {
  if (typeof v === 'string') return r.text(v, ctx);
  if (typeof v === 'object' && v !== null) return r.value(v, ctx);
  return [
    reject(
      ctx,
      source,
      `The message body ${where(ctx)} is ${v === undefined ? 'missing' : `a ${v === null ? 'null' : typeof v}`}; expected text or a JSON object naming the change order or app.`,
      String(v),
    ),
  ];
}
