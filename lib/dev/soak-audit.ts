/** What the soak reads from the runtimes' own audit lines. */
import type { Logger } from '../log.js';
import { ClientFailure } from '../notify/errors.js';

export interface SoakAudit {
  logger: Logger;
  /** Publishes the runtimes saw time out: each may have been stored all the same. */
  timedOutPublishes(): number;
  /** AbortAndRollbackChangeOrder calls the runtimes saw time out: each may have landed all the same. */
  timedOutAborts(): number;
}

/**
 * Counts, from the `decision` lines, the calls whose answer the runtime never saw: publications that
 * failed with `Client.Timeout`, and aborts whose trace says `RequestTimeout`. Each may have been carried
 * out anyway, so it may come back as a duplicate message or a redundant abort. On two busy cores a call
 * nobody slowed can outlast the client timeout too, so the injected latency faults alone undercount them.
 * Every other line is dropped, as the soak's quiet logger did.
 */
export function soakAudit(): SoakAudit {
  let publishes = 0;
  let aborts = 0;
  const see = (msg: string, fields?: Record<string, unknown>): void => {
    if (msg !== 'decision') return;
    const pubs = Array.isArray(fields?.publications)
      ? (fields.publications as Array<{ code?: unknown }>)
      : [];
    for (const p of pubs) if (p.code === ClientFailure.timeout.code) publishes++;
    const sae = Array.isArray(fields?.sae)
      ? (fields.sae as Array<{ action?: unknown; errorCode?: unknown }>)
      : [];
    for (const c of sae)
      if (c.action === 'AbortAndRollbackChangeOrder' && c.errorCode === 'RequestTimeout') aborts++;
  };
  const drop = (): void => undefined;
  return {
    logger: { debug: drop, info: see, warn: see, error: drop },
    timedOutPublishes: () => publishes,
    timedOutAborts: () => aborts,
  };
}
