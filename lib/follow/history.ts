import type { Redis } from '../idempotency/redis.js';
import { outcomeSchema } from '../rollback/outcome.js';
import { fromJsonLine, fromOutcome, type HistoryItem } from './report.js';

/** Outcome history from JSONL text: outcome documents or `decision` audit lines (an SLS export). */
export function historyFromJsonl(text: string): { items: HistoryItem[]; skipped: number } {
  const items: HistoryItem[] = [];
  let skipped = 0;
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    const item = fromJsonLine(line);
    if (item) items.push(item);
    else skipped++;
  }
  return { items, skipped };
}

/**
 * Outcome history from the Redis store: every completed idempotency record (change orders and their
 * follow-ups) under `prefix`, found with SCAN (never KEYS, so a big store is not blocked). Records last
 * IDEMPOTENCY_TTL_SECONDS, follow-ups at least 7 days: for longer windows export the audit log.
 */
export async function historyFromRedis(redis: Redis, prefix = ''): Promise<HistoryItem[]> {
  const items: HistoryItem[] = [];
  for (const match of [`${prefix}sae-rollback:co:*`, `${prefix}sae-rollback:follow:*:outcome`]) {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', match, 'COUNT', 500);
      cursor = next;
      for (const key of keys) {
        const type = await redis.type(key);
        if (type !== 'hash') continue;
        const [state, outcome] = await redis.hmget(key, 'state', 'outcome');
        if (state !== 'completed' || !outcome) continue;
        const parsed = outcomeSchema.safeParse(JSON.parse(outcome));
        if (parsed.success) items.push(fromOutcome(parsed.data));
      }
    } while (cursor !== '0');
  }
  return items;
}
