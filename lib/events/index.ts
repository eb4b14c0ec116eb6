import { looksDirect, parseDirect } from './direct.js';
import { looksLikeHttpTrigger, unwrapHttpTrigger } from './http.js';
import { MAX_EVENT_BYTES, type ParsedEvent } from './types.js';

export type { HttpRequestInfo, ParsedEvent, ParsedRecord } from './types.js';

type Json = { ok: true; value: unknown } | { ok: false; reason: string };

function decodeJson(bytes: Buffer, where: string): Json {
  if (bytes.length > MAX_EVENT_BYTES) {
    return {
      ok: false,
      reason: `${where} is ${bytes.length} bytes; the limit is ${MAX_EVENT_BYTES}. Send one small JSON alarm per request.`,
    };
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return { ok: false, reason: `${where} is not valid UTF-8 text.` };
  }
  if (text.trim() === '')
    return { ok: false, reason: `${where} is empty; expected a JSON object such as {"ChangeOrderId":"…"}.` };
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (err) {
    return { ok: false, reason: `${where} is not valid JSON (${(err as Error).message}).` };
  }
}

/**
 * Turns the raw FC event bytes into rollback requests. Pure; never throws. This first cut knows the
 * FC HTTP-trigger envelope and the direct JSON body; the other sources plug in here.
 */
export function parseEvent(bytes: Buffer, receivedAt: number): ParsedEvent {
  const outer = decodeJson(bytes, 'The event');
  if (!outer.ok)
    return { source: 'unknown', records: [{ kind: 'rejected', source: 'unknown', reason: outer.reason }] };

  if (looksLikeHttpTrigger(outer.value)) {
    const http = unwrapHttpTrigger(outer.value);
    if (!http.ok)
      return { source: 'http', records: [{ kind: 'rejected', source: 'http', reason: http.reason }] };
    const body = decodeJson(http.body, 'The HTTP request body');
    if (!body.ok)
      return {
        source: 'http',
        http: http.info,
        records: [{ kind: 'rejected', source: 'http', reason: body.reason }],
      };
    return { source: 'http', http: http.info, records: [parseBody(body.value, receivedAt)] };
  }
  return { source: 'direct', records: [parseBody(outer.value, receivedAt)] };
}

function parseBody(value: unknown, receivedAt: number) {
  if (looksDirect(value)) return parseDirect(value, receivedAt);
  return {
    kind: 'rejected' as const,
    source: 'unknown',
    reason:
      'Unrecognised event: expected {"ChangeOrderId":"…"} or {"appId":"…"} (other alarm formats come with the trigger parsers).',
  };
}
