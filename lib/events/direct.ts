import { hasIdKey, idVerdict, pickIds, targetWords } from './keys.js';
import { type Ctx, makeRecord, reject, text, where } from './record.js';
import type { NormalizedRequest } from './types.js';

const HINT = 'Send {"ChangeOrderId":"<id>"} (preferred) or {"appId":"<id>"}.';

/**
 * The direct JSON body: `{"ChangeOrderId": "..."}` (the API's own parameter name) or `{"appId": "..."}`,
 * in any accepted spelling, with optional `alarmName`, `reason` and `messageId`. Sent by scripts,
 * the operator CLI, a plain webhook — or as the body of any queue message.
 */
export function looksDirect(o: Record<string, unknown>): boolean {
  return hasIdKey(o);
}

export function parseDirect(o: Record<string, unknown>, ctx: Ctx, source = 'direct'): NormalizedRequest {
  const ids = pickIds([{ where: '', from: o }]);
  const bad = idVerdict(ids, where(ctx), HINT);
  const name = text(o.alarmName) ?? text(o.reason);
  const key = text(o.messageId);
  if (bad) return makeRecord(ctx, source, { disposition: 'reject', reason: bad, content: o });
  return makeRecord(ctx, source, {
    disposition: 'act',
    reason: `Direct request: ${targetWords(ids)}.`,
    changeOrderId: ids.changeOrderId,
    appId: ids.appId,
    alarm: name ? { name } : {},
    key: key ? `direct:${key}` : undefined,
    content: o,
  });
}

/** A body that is just an ID: taken as the change order ID (the API's `ChangeOrderId`). */
export function parsePlainId(t: string, ctx: Ctx): NormalizedRequest {
  return makeRecord(ctx, 'direct', {
    disposition: 'act',
    reason: `Plain-text change order ID ${t}.`,
    changeOrderId: t,
    content: t,
  });
}

/** A single token that is not a valid ID: the most likely intent, so say what is wrong with it. */
export function rejectBadPlainId(t: string, problem: string, ctx: Ctx): NormalizedRequest {
  return reject(
    ctx,
    'direct',
    `The plain-text body ${where(ctx)} is not a valid change order ID: ${problem}. ${HINT}`,
    t,
  );
}
