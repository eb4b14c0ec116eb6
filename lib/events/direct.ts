import { z } from 'zod';
import { appIdSchema, changeOrderIdSchema } from '../ids.js';
import type { ParsedRecord } from './types.js';

/**
 * The direct JSON body: `{"ChangeOrderId": "..."}` or `{"appId": "..."}` (either spelling of each),
 * with optional context for the record. Sent by scripts, the operator CLI, or a plain webhook.
 */
const directSchema = z
  .object({
    ChangeOrderId: changeOrderIdSchema.optional(),
    changeOrderId: changeOrderIdSchema.optional(),
    AppId: appIdSchema.optional(),
    appId: appIdSchema.optional(),
    alarmName: z.string().max(512).optional(),
    reason: z.string().max(1024).optional(),
    messageId: z.string().max(256).optional(),
  })
  .refine((b) => b.ChangeOrderId || b.changeOrderId || b.AppId || b.appId, {
    message: 'Name what to roll back: ChangeOrderId (preferred) or appId.',
  });

export function looksDirect(body: unknown): boolean {
  return (
    typeof body === 'object' &&
    body !== null &&
    !Array.isArray(body) &&
    ['ChangeOrderId', 'changeOrderId', 'AppId', 'appId'].some((k) => k in body)
  );
}

export function parseDirect(body: unknown, receivedAt: number, source = 'direct'): ParsedRecord {
  const r = directSchema.safeParse(body);
  if (!r.success) {
    const where = r.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; ');
    return { kind: 'rejected', source, reason: `Invalid ${source} request — ${where}` };
  }
  const b = r.data;
  const changeOrderId = b.ChangeOrderId ?? b.changeOrderId;
  const appId = b.AppId ?? b.appId;
  const name = b.alarmName ?? b.reason;
  return {
    kind: 'request',
    request: {
      ...(changeOrderId ? { changeOrderId } : {}),
      ...(appId ? { appId } : {}),
      alarm: { source, ...(name ? { name } : {}) },
      ...(b.messageId ? { deliveryId: b.messageId } : {}),
      receivedAt,
    },
  };
}
