import { z } from 'zod';
import { alarmSchema } from '../rollback/outcome.js';

/**
 * What the function does with one record:
 * - `act` — a rollback request for the decision core (`actionable: true`);
 * - `reject` — can never succeed as sent (bad ID, unknown shape): acknowledged and *reported*;
 * - `ignore` — understood, but nothing to do (an alarm back to OK, a resolved alert): logged only;
 * - `guard` — a timer tick that starts the scheduled guard check, not a rollback request.
 */
export const DISPOSITIONS = ['act', 'reject', 'ignore', 'guard'] as const;
export type Disposition = (typeof DISPOSITIONS)[number];

/**
 * The one shape every parser yields: one per record of an event. `reason` always says why the record
 * is or is not actionable — for a rejection: what was wrong, where, and what to do.
 */
export const normalizedRequestSchema = z.object({
  /** The format that named the target, e.g. `cloudmonitor`, `arms`, `sae-event`, `direct`, `timer`. */
  source: z.string(),
  changeOrderId: z.string().nullable(),
  appId: z.string().nullable(),
  actionable: z.boolean(),
  disposition: z.enum(DISPOSITIONS),
  reason: z.string(),
  /** Whatever the source said about the alarm (name, state, value, metric, rule ID, severity). */
  alarm: alarmSchema,
  /**
   * The delivery's identity where the source has one (MNS MessageId, CloudEvent id, Kafka
   * topic/partition/offset, Alertmanager fingerprint@startsAt, CloudMonitor transId or ruleId@timestamp),
   * outermost first; a content hash otherwise. A redelivery of the same message gets the same key.
   */
  dedupeKey: z.string(),
  /** Epoch ms when the event was received. */
  receivedAt: z.number(),
  /** Envelopes the record came through, outermost first, e.g. `['mns-topic']` for an alert sent via MNS. */
  via: z.array(z.string()),
  /** Where in the event the record sits, e.g. `[3].data.value`; empty for the event itself. */
  path: z.string(),
});
export type NormalizedRequest = z.infer<typeof normalizedRequestSchema>;

/** The FC 3.0 HTTP-trigger request, when the event came through one. */
export interface HttpRequestInfo {
  method: string;
  path: string;
  headers: Record<string, string>;
  query: Record<string, string>;
  sourceIp?: string;
}

export interface ParsedEvent {
  /** The outermost format the detector recognised, e.g. `http`, `eventbridge`, `mns-topic`, `unknown`. */
  source: string;
  http?: HttpRequestInfo;
  /** One per record; never empty. */
  records: NormalizedRequest[];
  /** False when nothing in the event could be understood: every record is a rejection. */
  understood: boolean;
}

/** Events larger than this are refused unread: no alarm needs them, and parsing costs memory. */
export const MAX_EVENT_BYTES = 1024 * 1024;
/** How many envelopes deep a message body may nest (e.g. HTTP → MNS → Base64 → CloudMonitor). */
export const MAX_DEPTH = 4;
/** JSON nested deeper than this is refused before anything walks it. */
export const MAX_JSON_NESTING = 32;
/** Records per event (batch elements, alerts); the rest is rejected, not silently dropped. */
export const MAX_RECORDS = 500;
