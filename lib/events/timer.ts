import { type Ctx, makeRecord, text } from './record.js';
import type { NormalizedRequest } from './types.js';

/**
 * FC timer trigger: `{triggerTime, triggerName, payload}`. It starts the scheduled guard check (a
 * later release fills that in); it is never a rollback request, whatever its payload says.
 */
export function looksTimer(o: Record<string, unknown>): boolean {
  return typeof o.triggerTime === 'string' && typeof o.triggerName === 'string';
}

export function parseTimer(o: Record<string, unknown>, ctx: Ctx): NormalizedRequest {
  const name = text(o.triggerName) ?? '?';
  const time = text(o.triggerTime) ?? '?';
  return makeRecord(ctx, 'timer', {
    disposition: 'guard',
    reason: `Timer trigger "${name}" fired at ${time}: a scheduled guard tick, not a rollback request.`,
    alarm: { name, firedAt: time },
    key: `timer:${name}@${time}`,
  });
}
