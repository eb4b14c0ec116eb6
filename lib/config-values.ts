/** Value shapes of lib/config.ts that need more than a zod one-liner. */
import { z } from 'zod';
import { commaSeparated } from './env-list.js';

/**
 * A whole-number environment variable. Every way it can be wrong (not a number, a fraction, out of
 * range) gets one message naming the allowed range and the default, instead of zod's "expected
 * number, received NaN".
 */
export function wholeNumber(def: number, min: number, max: number) {
  const error = `must be a whole number from ${min} to ${max} (default ${def} when unset)`;
  // One `.check(…)` with three checks rather than `.int().min().max()`: each chained call clones the
  // schema, and config builds ~40 of these at every cold start (half the construction time, measured).
  return z.coerce
    .number({ error })
    .check(z.int({ error }), z.gte(min, { error }), z.lte(max, { error }))
    .default(def);
}

/** `prod` → `prod:` (keys read `prod:sae-rollback:…`, not `prodsae-rollback:…`); one ending in a separator stays. */
export function withSeparator(prefix: string): string {
  return prefix === '' || /[:._-]$/.test(prefix) ? prefix : `${prefix}:`;
}

export const host = z
  .string()
  .regex(/^[A-Za-z0-9.-]+(:\d{1,5})?$/, 'must be a host name, optionally with :port, without scheme or path');

/** A comma-separated list (spaces allowed) of items matching `item`; empty or unset is the empty list. */
export const listOf = (item: RegExp, what: string) =>
  commaSeparated().refine((xs) => xs.every((x) => item.test(x)), `must be a comma-separated list of ${what}`);
export const appIds = listOf(/^[A-Za-z0-9-]{8,64}$/, 'SAE app IDs (8–64 letters, digits, -)');
export const namespaceIds = listOf(
  /^[a-z0-9-]{2,32}(:[A-Za-z0-9_-]{1,64})?$/,
  'SAE namespace IDs, e.g. cn-hangzhou:prod',
);
export const bool = (def: 'true' | 'false') =>
  z
    .enum(['true', 'false'])
    .default(def)
    .transform((v) => v === 'true');
