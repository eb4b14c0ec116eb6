/**
 * A subset of EventBridge event patterns, enough for outcome routing: top-level `source`, `type`, `subject` and
 * `id`, each a list of alternatives that are exact strings, `{"prefix": …}` or `{"suffix": …}`. Every listed
 * attribute must match (AND); within one attribute any alternative may (OR). Anything else in a pattern is
 * refused when the rule is created rather than silently ignored, e.g.
 * `{"source":["sae-rollback"],"type":[{"prefix":"sae-rollback:Outcome:"}]}`.
 */
import { z } from 'zod';

const matcher = z.union([
  z.string(),
  z.strictObject({ prefix: z.string().min(1) }),
  z.strictObject({ suffix: z.string().min(1) }),
]);
const alternatives = z.array(matcher).min(1);

export const eventPatternSchema = z
  .strictObject({
    source: alternatives.optional(),
    type: alternatives.optional(),
    subject: alternatives.optional(),
    id: alternatives.optional(),
  })
  .refine((p) => Object.keys(p).length > 0, 'a pattern names at least one attribute');
export type EventPattern = z.infer<typeof eventPatternSchema>;
type Matcher = z.infer<typeof matcher>;

function matchesOne(value: unknown, m: Matcher): boolean {
  if (typeof value !== 'string') return false;
  if (typeof m === 'string') return value === m;
  return 'prefix' in m ? value.startsWith(m.prefix) : value.endsWith(m.suffix);
}

/** True when `event` satisfies every attribute of `pattern`. */
export function matchesPattern(pattern: EventPattern, event: Readonly<Record<string, unknown>>): boolean {
  return Object.entries(pattern).every(
    ([attr, alts]) => alts === undefined || alts.some((m) => matchesOne(event[attr], m)),
  );
}
