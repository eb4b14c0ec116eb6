/** Value shapes of lib/config.ts that need more than a zod one-liner. */
import { z } from 'zod';

/**
 * A whole-number environment variable. Every way it can be wrong (not a number, a fraction, out of
 * range) gets one message naming the allowed range and the default, instead of zod's "expected
 * number, received NaN".
 */
export function wholeNumber(def: number, min: number, max: number) {
  const error = `must be a whole number from ${min} to ${max} (default ${def} when unset)`;
  return z.coerce.number({ error }).int({ error }).min(min, { error }).max(max, { error }).default(def);
}

/** `prod` → `prod:` (keys read `prod:sae-rollback:…`, not `prodsae-rollback:…`); one ending in a separator stays. */
export function withSeparator(prefix: string): string {
  return prefix === '' || /[:._-]$/.test(prefix) ? prefix : `${prefix}:`;
}
