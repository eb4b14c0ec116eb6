import { idProblem } from '../ids.js';
import type { AlertKeys } from './alert-keys.js';
import { looksAlertmanager, parseAlertmanager } from './alertmanager.js';
import {
  looksCloudEvent,
  looksRocketMqMessage,
  parseCloudEvent,
  parseRocketMqMessage,
} from './cloudevents.js';
import { looksCloudMonitor, parseCloudMonitor } from './cloudmonitor.js';
import { fromBase64, isBareId, looksLikeJson, parseForm, parseJson, utf8Text } from './decode.js';
import { looksDirect, parseDirect, parsePlainId, rejectBadPlainId } from './direct.js';
import { looksLikeHttpTrigger, unwrapHttpTrigger } from './http.js';
import { hasIdKey } from './keys.js';
import {
  looksMnsStreamWithAttrs,
  looksMnsTopicJson,
  parseMnsStream,
  parseMnsTopicJson,
} from './mns-topic.js';
import { at, type Ctx, enter, obj, type Recurse, reject, rootCtx, where } from './record.js';
import { looksTimer, parseTimer } from './timer.js';
import {
  type HttpRequestInfo,
  MAX_DEPTH,
  MAX_EVENT_BYTES,
  MAX_RECORDS,
  type NormalizedRequest,
  type ParsedEvent,
} from './types.js';

export type { Disposition, HttpRequestInfo, NormalizedRequest, ParsedEvent } from './types.js';
export { normalizedRequestSchema } from './types.js';

const recurse: Recurse = { text: parseText, value: parseValue };

/** What a deployment configures about parsing (lib/config.ts). */
export interface ParseOptions {
  /** Label / annotation names of the IDs in Alertmanager / ARMS alerts; default the common spellings. */
  alertKeys?: AlertKeys;
}

/**
 * Turns the raw FC event bytes into normalized requests, one per record. Pure; never throws: bad input
 * becomes `reject` records with a reason saying what was wrong, where, and what to do.
 */
export function parseEvent(bytes: Buffer, receivedAt: number, opts: ParseOptions = {}): ParsedEvent {
  const ctx = rootCtx(receivedAt, opts.alertKeys);
  let http: HttpRequestInfo | undefined;
  let records: NormalizedRequest[];
  try {
    const r = parseTop(bytes, ctx);
    http = r.http;
    records = r.records;
  } catch (err) {
    // A parser bug must not become an unhandled error (or a stack trace in an HTTP answer).
    records = [
      reject(
        ctx,
        'unknown',
        `The event could not be parsed (internal error: ${(err as Error)?.name ?? 'Error'}); report this payload as a bug.`,
      ),
    ];
  }
  if (records.length === 0)
    records = [reject(ctx, 'unknown', 'The event holds no records (an empty batch).')];
  const outer = new Set(records.map((r) => r.via.find((v) => v !== 'base64') ?? r.source.split('/')[0]));
  return {
    source: http ? 'http' : outer.size === 1 ? ([...outer][0] ?? 'unknown') : 'mixed',
    ...(http ? { http } : {}),
    records,
    understood: records.some((r) => r.disposition !== 'reject'),
  };
}

function parseTop(bytes: Buffer, ctx: Ctx): { http?: HttpRequestInfo; records: NormalizedRequest[] } {
  const text = decodeBytes(bytes, 'The event', ctx);
  if (typeof text !== 'string') return { records: [text] };
  if (looksLikeJson(text)) {
    const j = parseJson(text, 'The event');
    if (!j.ok) return { records: [reject(ctx, 'unknown', j.reason, text)] };
    const o = obj(j.value);
    if (o && looksLikeHttpTrigger(o)) {
      const h = unwrapHttpTrigger(o);
      if (!h.ok) return { records: [reject(ctx, 'http', h.reason, text)] };
      const inner = enter(ctx, 'http', '.body');
      const body = decodeBytes(h.body, 'The HTTP request body', inner);
      return { http: h.info, records: typeof body === 'string' ? parseText(body, inner) : [body] };
    }
    return { records: parseValue(j.value, ctx) };
  }
  return { records: parseText(text, ctx) };
}

function decodeBytes(bytes: Buffer, what: string, ctx: Ctx): string | NormalizedRequest {
  if (bytes.length > MAX_EVENT_BYTES) {
    return reject(
      ctx,
      'unknown',
      `${what} is ${bytes.length} bytes; the limit is ${MAX_EVENT_BYTES}. Send small alarms or batches.`,
      bytes.length,
    );
  }
  const t = utf8Text(bytes, what);
  return t.ok ? t.value : reject(ctx, 'unknown', t.reason, bytes.toString('base64'));
}

function tooDeep(ctx: Ctx): NormalizedRequest | undefined {
  if (ctx.depth <= MAX_DEPTH) return undefined;
  return reject(
    ctx,
    'unknown',
    `The payload ${where(ctx)} is nested more than ${MAX_DEPTH} envelopes deep (through ${ctx.via.join(' → ')}); send the alert itself.`,
  );
}

/** A body that arrived as text: JSON, a form, Base64 of either, or a plain ID. */
function parseText(raw: string, ctx: Ctx, jsonString = false): NormalizedRequest[] {
  const deep = tooDeep(ctx);
  if (deep) return [deep];
  const t = raw.trim();
  const what = ctx.path ? `The body ${where(ctx)}` : 'The event';
  if (t === '')
    return [
      reject(
        ctx,
        'unknown',
        `${what} is empty; expected JSON such as {"ChangeOrderId":"…"}, an alert, or a change order ID.`,
      ),
    ];
  if (looksLikeJson(t)) {
    const j = parseJson(t, what);
    return j.ok ? parseValue(j.value, ctx) : [reject(ctx, 'unknown', j.reason, t)];
  }
  if (t.startsWith('"') || t === 'null' || t === 'true' || t === 'false') {
    // A JSON scalar, e.g. an ID sent as a JSON string by an SDK.
    const j = parseJson(t, what);
    return j.ok ? parseValue(j.value, ctx) : [reject(ctx, 'unknown', j.reason, t)];
  }
  const decoded = fromBase64(t);
  if (isBareId(t)) {
    // An ID-looking string is an ID. Base64 has no '-', and real SAE IDs (UUIDs) have several, so it
    // is decoded only when it yields JSON or an ID with a '-' (e.g. an ID an MNS SDK Base64-encoded).
    const decodedId = decoded !== undefined && isBareId(decoded.trim()) && decoded.includes('-');
    const decodedForm = decoded !== undefined ? parseForm(decoded.trim()) : undefined;
    const formUnderstood =
      decodedForm !== undefined && (looksCloudMonitor(decodedForm) || hasIdKey(decodedForm));
    if (
      decoded !== undefined &&
      (decodedId || formUnderstood || (looksLikeJson(decoded) && parseJson(decoded, 'x').ok))
    ) {
      return parseText(decoded, enter(ctx, 'base64', ''));
    }
    return [parsePlainId(t, ctx)];
  }
  if (decoded !== undefined && understandable(decoded, MAX_DEPTH)) {
    return parseText(decoded, enter(ctx, 'base64', ''));
  }
  const form = parseForm(t);
  if (form && looksCloudMonitor(form)) return [parseCloudMonitor(form, ctx)];
  if (form && hasIdKey(form)) return [parseDirect(form, ctx)];
  // One short token (or a JSON string) was most likely meant as an ID: say what is wrong with it.
  if (!/\s/.test(t) && t.length <= 128 && (jsonString || /^[A-Za-z0-9]/.test(t))) {
    return [rejectBadPlainId(t, idProblem(t) ?? 'unknown problem', ctx)];
  }
  return [
    reject(
      ctx,
      'unknown',
      `${what} is text that is not JSON, a form-encoded CloudMonitor alert, Base64 of those, or a change order ID.`,
      t,
    ),
  ];
}

/** Base64 is only taken when what it decodes to is something we read (possibly Base64 again). */
function understandable(t: string, levels: number): boolean {
  const s = t.trim();
  if (looksLikeJson(s)) return parseJson(s, 'x').ok;
  if (isBareId(s)) return true;
  const form = parseForm(s);
  if (form !== undefined && (looksCloudMonitor(form) || hasIdKey(form))) return true;
  const again = levels > 0 ? fromBase64(s) : undefined;
  return again !== undefined && understandable(again, levels - 1);
}

/** A body that arrived as parsed JSON. */
function parseValue(v: unknown, ctx: Ctx): NormalizedRequest[] {
  const deep = tooDeep(ctx);
  if (deep) return [deep];
  if (Array.isArray(v)) return parseBatch(v, ctx);
  const o = obj(v);
  if (!o) {
    if (typeof v === 'string') return parseText(v, ctx, true);
    return [
      reject(
        ctx,
        'unknown',
        `${ctx.path ? `The body ${where(ctx)}` : 'The event'} is a JSON ${v === null ? 'null' : typeof v}; expected an object naming the change order or app, or a supported alert/event.`,
        v,
      ),
    ];
  }
  if (looksCloudEvent(o)) return parseCloudEvent(o, ctx, recurse);
  if (looksTimer(o)) return [parseTimer(o, ctx)];
  if (looksMnsTopicJson(o)) return parseMnsTopicJson(o, ctx, recurse);
  if (looksAlertmanager(o)) return parseAlertmanager(o, ctx);
  if (looksCloudMonitor(o)) return [parseCloudMonitor(o, ctx)];
  if (looksRocketMqMessage(o)) return parseRocketMqMessage(o, ctx, recurse);
  if (looksDirect(o)) return [parseDirect(o, ctx)];
  if (looksMnsStreamWithAttrs(o)) return parseMnsStream(o, ctx, recurse);
  const keys = Object.keys(o)
    .slice(0, 8)
    .map((k) => JSON.stringify(k.slice(0, 40)));
  return [
    reject(
      ctx,
      'unknown',
      `Unrecognised event ${where(ctx)}: an object with keys ${keys.join(', ') || '(none)'}. Expected {"ChangeOrderId":"…"} or {"appId":"…"}, a CloudMonitor or ARMS alert, a CloudEvent, an MNS message or a timer event (see README, "Sources").`,
      o,
    ),
  ];
}

/** A batch (EventBridge triggers, self-managed RocketMQ): one or more records per element. */
function parseBatch(items: unknown[], ctx: Ctx): NormalizedRequest[] {
  if (items.length === 0) return [reject(ctx, 'unknown', `The batch ${where(ctx)} is empty.`)];
  const out: NormalizedRequest[] = [];
  for (const [i, item] of items.slice(0, MAX_RECORDS).entries()) {
    const c = at(ctx, `[${i}]`);
    // Real Kafka (and other) deliveries have been seen with each element a serialized CloudEvent.
    if (typeof item === 'string' && looksLikeJson(item)) {
      const j = parseJson(item, `Batch element ${where(c)}`);
      out.push(...(j.ok ? parseValue(j.value, c) : [reject(c, 'unknown', j.reason, item)]));
    } else {
      out.push(...parseValue(item, c));
    }
  }
  if (items.length > MAX_RECORDS) {
    out.push(
      reject(
        at(ctx, `[${MAX_RECORDS}]`),
        'unknown',
        `${items.length - MAX_RECORDS} batch elements beyond the first ${MAX_RECORDS} were not read; lower the trigger's batch size.`,
        items.length,
      ),
    );
  }
  return out;
}
