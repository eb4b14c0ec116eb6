import type { RollbackRequest } from '../rollback/types.js';

/** One record of an event after parsing. Parsers never throw: bad input becomes `rejected`. */
export type ParsedRecord =
  | { kind: 'request'; request: RollbackRequest }
  /** Can never succeed as sent: acknowledged and reported, with what was wrong and where. */
  | { kind: 'rejected'; source: string; reason: string }
  /** Understood, but not a reason to act (e.g. an alarm returning to OK). */
  | { kind: 'ignored'; source: string; reason: string };

/** The FC 3.0 HTTP-trigger request, when the event came through one. */
export interface HttpRequestInfo {
  method: string;
  path: string;
  headers: Record<string, string>;
  query: Record<string, string>;
  sourceIp?: string;
}

export interface ParsedEvent {
  /** The trigger family the detector recognised, e.g. `http`, `direct`. */
  source: string;
  http?: HttpRequestInfo;
  records: ParsedRecord[];
}

/** Bodies larger than this are refused unread: no alarm needs them, and parsing costs memory. */
export const MAX_EVENT_BYTES = 256 * 1024;
