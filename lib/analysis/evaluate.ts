/** The pure part of the analysis: filling in a query template, and judging one measured value. */
import type { PromSample } from './client.js';
import type { AnalysisQuery, Condition } from './config.js';
import type { Placeholder, TemplateVars } from './placeholders.js';

export { PLACEHOLDERS, type Placeholder, placeholdersIn, type TemplateVars } from './placeholders.js';

/**
 * Fills in the placeholders, each value escaped for a PromQL string literal (they sit inside quotes:
 * `{app_id="{{appId}}"}`). Undefined when a placeholder has no value (e.g. an app without a name).
 */
export function render(template: string, vars: TemplateVars): string | undefined {
  let missing = false;
  const out = template.replace(/\{\{\s*([A-Za-z]+)\s*\}\}/g, (_, name: string) => {
    const v = vars[name as Placeholder];
    if (v === undefined) {
      missing = true;
      return '';
    }
    return v.replace(/\\/g, '\\\\').replace(/"/g, '\\"');
  });
  return missing ? undefined : out;
}

/**
 * One number from a query's answer: the worst (largest) finite sample, so that a query returning one
 * series per instance judges the sickest one. Undefined when there is no data (no series, or NaN).
 */
export function worstValue(samples: readonly PromSample[]): number | undefined {
  const finite = samples.map((s) => s.value).filter((v) => Number.isFinite(v));
  return finite.length > 0 ? Math.max(...finite) : undefined;
}

/** new ÷ previous; undefined when either is missing; a healthy previous of 0 makes any error infinite. */
export function ratioOf(current: number | undefined, previous: number | undefined): number | undefined {
  if (current === undefined || previous === undefined) return undefined;
  if (previous === 0) return current === 0 ? 1 : Number.POSITIVE_INFINITY;
  return current / previous;
}

export function meets(value: number, c: Condition): boolean {
  switch (c.op) {
    case '>':
      return value > c.value;
    case '>=':
      return value >= c.value;
    case '<':
      return value < c.value;
    case '<=':
      return value <= c.value;
  }
}

export const VERDICTS = ['failure', 'success', 'inconclusive'] as const;
export type Verdict = (typeof VERDICTS)[number];

/** A measured value (undefined: no data) under a query's conditions. */
export function judge(value: number | undefined, q: AnalysisQuery): Verdict {
  if (value === undefined) return q.onNoData === 'failure' ? 'failure' : 'inconclusive';
  if (meets(value, q.failure)) return 'failure';
  if (!q.success || meets(value, q.success)) return 'success';
  return 'inconclusive';
}

export function describeCondition(c: Condition): string {
  return `${c.op} ${c.value}`;
}
