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
