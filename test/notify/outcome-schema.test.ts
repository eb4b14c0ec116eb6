import { readFile } from 'node:fs/promises';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { OUTCOME_SCHEMA_FILE, outcomeJsonSchema } from '../../lib/notify/outcome-json-schema.js';
import { makeOutcome } from '../helpers/outcome.js';

const committedSchema = async (): Promise<Record<string, unknown>> =>
  JSON.parse(await readFile(new URL(`../../${OUTCOME_SCHEMA_FILE}`, import.meta.url), 'utf8'));

/** Validates the JSON text of `value` (what a consumer receives) against the committed schema. */
async function validate(value: unknown): Promise<string[]> {
  // strict: an unknown keyword in the generated schema fails here instead of being ignored.
  const check = new Ajv2020({ allErrors: true, strict: true }).compile(await committedSchema());
  return check(JSON.parse(JSON.stringify(value)))
    ? []
    : (check.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? ''}`.trim());
}

describe(OUTCOME_SCHEMA_FILE, () => {
  it('v2 is v1 plus the follow-ups: every v1 document is still valid, unchanged', async () => {
    const v1 = JSON.parse(await readFile(new URL('../../schema/outcome.v1.json', import.meta.url), 'utf8'));
    const check = new Ajv2020({ allErrors: true, strict: true }).compile(v1);
    const doc = JSON.parse(JSON.stringify(makeOutcome()));
    expect(check(doc)).toBe(true);
    expect(await validate(doc)).toEqual([]);
    const followUp = {
      ...makeOutcome({ outcome: 'recovered' }),
      schemaVersion: 2,
      follows: { messageId: 'sr-1', outcome: 'aborted', decidedAt: '2026-01-01T00:00:00.000Z' },
      timeline: {
        receivedAt: '2026-01-01T00:00:00.000Z',
        abortSentAt: '2026-01-01T00:00:01.000Z',
        endedAt: '2026-01-01T00:01:00.000Z',
        timeToAbortMs: 1000,
        timeToRecoverMs: 60000,
      },
      hooks: [{ kind: 'webhook', target: '127.0.0.1', ok: true, attempts: 1 }],
    };
    expect(await validate(followUp)).toEqual([]);
    // A strict v1 consumer rejects the follow-ups only.
    expect(check(JSON.parse(JSON.stringify(followUp)))).toBe(false);
  });

  it('is what the zod outcome schema generates today (regenerate: tsx bin/export-schema.ts)', async () => {
    expect(await committedSchema()).toEqual(outcomeJsonSchema());
  });

  it('accepts the JSON of real outcomes, full and minimal', async () => {
    expect(await validate(makeOutcome({ reason: 'x', original: { outcome: 'in-progress' } }))).toEqual([]);
    const { dedupeKey, changeOrderId, changeOrderStatus, appId, appName, alarm, fcRequestId, ...minimal } =
      makeOutcome();
    expect(await validate(minimal)).toEqual([]);
  });

  it('rejects documents that are not outcomes (so the check above can fail)', async () => {
    const { summary, ...noSummary } = makeOutcome();
    expect(await validate(noSummary)).toEqual(["/ must have required property 'summary'"]);
    expect(await validate({ ...makeOutcome(), outcome: 'exploded' })).toEqual([
      '/outcome must be equal to one of the allowed values',
    ]);
    expect(await validate({ ...makeOutcome(), schemaVersion: 3 })).toEqual([
      '/schemaVersion must be equal to constant',
      '/schemaVersion must be equal to constant',
      '/schemaVersion must match a schema in anyOf',
    ]);
    expect(await validate({ ...makeOutcome(), sae: [{ requestId: 'r' }] })).toEqual([
      "/sae/0 must have required property 'action'",
    ]);
    expect(await validate({ ...makeOutcome(), extra: true })).toEqual([
      '/ must NOT have additional properties',
    ]);
  });
});
