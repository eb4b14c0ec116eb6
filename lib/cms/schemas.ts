import { z } from 'zod';
import { numberish, optionalString } from '../aliyun/lenient.js';
import { AlertLevel } from './types.js';

/** CMS response bodies, parsed at the boundary; lenient on number-vs-string and nulls. */

/** CMS's envelope: `Code` is the integer 200 in the 2019-01-01 SDK model, a string in some doc samples. */
export const cmsEnvelopeSchema = z.object({
  RequestId: z.string().min(1),
  Success: z.boolean().nullish(),
  Code: z.union([z.string(), z.number()]).nullish(),
  Message: optionalString,
});

const alarmSchema = z.object({
  RuleId: z.string().min(1),
  RuleName: optionalString,
  Namespace: optionalString,
  MetricName: optionalString,
  AlertState: optionalString,
  EnableState: z.boolean().nullish(),
  Dimensions: optionalString,
  Escalations: z
    .object({ Critical: z.unknown().nullish(), Warn: z.unknown().nullish(), Info: z.unknown().nullish() })
    .nullish(),
});
export type AlarmBody = z.output<typeof alarmSchema>;

export const metricRuleListSchema = cmsEnvelopeSchema.extend({
  Total: numberish.nullish().transform((v) => v ?? undefined),
  Alarms: z
    .object({ Alarm: z.array(alarmSchema).nullish() })
    .nullish()
    .transform((a) => a?.Alarm ?? []),
});

/** The levels present in `Escalations`, most severe first. */
export function levelsOf(alarm: AlarmBody): AlertLevel[] {
  const e = alarm.Escalations;
  if (!e) return [];
  const levels: AlertLevel[] = [];
  if (e.Critical) levels.push(AlertLevel.Critical);
  if (e.Warn) levels.push(AlertLevel.Warn);
  if (e.Info) levels.push(AlertLevel.Info);
  return levels;
}

/**
 * `Dimensions` of a rule: a JSON string, an array of objects in the SDK example
 * (`[{"instanceId":"i-…"}]`), sometimes one object; values become strings. Unreadable → `[]`.
 */
export function parseRuleDimensions(raw: string | undefined): Array<Record<string, string>> {
  if (!raw) return [];
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    return [];
  }
  const list = Array.isArray(value) ? value : [value];
  return list
    .filter((d): d is Record<string, unknown> => typeof d === 'object' && d !== null && !Array.isArray(d))
    .map((d) => Object.fromEntries(Object.entries(d).map(([k, v]) => [k, String(v)])));
}
