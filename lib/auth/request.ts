import { looksLikeJson, parseJson, utf8Text } from '../events/decode.js';
import { looksLikeHttpTrigger, unwrapHttpTrigger } from '../events/http.js';
import type { HttpRequestInfo } from '../events/types.js';

/**
 * FC caps a synchronous request at 32 MB (its event, with a base64 body, ~43 MB): everything FC can
 * deliver is authenticated, so an over-size request from a real caller hears 413 and why, not 401.
 * Past this, the event is refused unread (unless the trigger is open).
 */
const MAX_AUTH_BYTES = 48 * 1024 * 1024;

/**
 * The HTTP-trigger request in an FC event, read the way the event parser decides that an event is
 * one (UTF-8 without BOM, JSON within the nesting limit, the envelope's shape) — so no event the
 * parser treats as HTTP can skip authentication. The body is not parsed. Undefined: not HTTP.
 */
export function httpRequestOf(
  event: Buffer,
): { info: HttpRequestInfo; body: Buffer } | { error: string } | undefined {
  // Larger than the parser reads, but an unauthenticated caller must not even get a rejection published.
  if (event.length > MAX_AUTH_BYTES) return { error: 'event too large to authenticate' };
  const text = utf8Text(event, 'event');
  if (!text.ok || !looksLikeJson(text.value)) return undefined;
  const j = parseJson(text.value, 'event');
  if (!j.ok || typeof j.value !== 'object' || j.value === null || Array.isArray(j.value)) return undefined;
  if (!looksLikeHttpTrigger(j.value)) return undefined;
  const h = unwrapHttpTrigger(j.value);
  return h.ok ? { info: h.info, body: h.body } : { error: 'malformed HTTP-trigger event' };
}
