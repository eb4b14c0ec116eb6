// outcome.ts line by line: the kinds a consumer switches on, which of them end the matter, the schema
// versions, and every constraint of the outcome schema a consumer relies on (so a loosened or
// tightened field fails here, not in a consumer).
import { readFile } from 'node:fs/promises';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { makeOutcome } from '../helpers/outcome.js';

/**
 * outcome.ts is all module scope (kinds, sets, schemas): a mutation run counts it covered only by a test
 * in which the module loads, so each test loads a fresh copy (a static import would leave every mutant
 * here credited to tests that never look at it).
 */
let m: typeof import('../../lib/rollback/outcome.js');
beforeEach(async () => {
  vi.resetModules();
  m = await import('../../lib/rollback/outcome.js');
});

const ok = (doc: unknown) => m.outcomeSchema.safeParse(doc).success;

/** The outcome kinds a schema file consumers validate against lists. */
async function committedKinds(version: 'v1' | 'v2'): Promise<string[]> {
  const raw = await readFile(new URL(`../../schema/outcome.${version}.json`, import.meta.url), 'utf8');
  return (JSON.parse(raw) as { properties: { outcome: { enum: string[] } } }).properties.outcome.enum;
}

describe('outcome kinds', () => {
  it("are exactly the committed v2 schema's, in its order; v1's are all but the follow-ups", async () => {
    const [v1, v2] = await Promise.all([committedKinds('v1'), committedKinds('v2')]);
    expect(m.OUTCOMES).toEqual(v2);
    expect(m.OUTCOMES.filter((o) => !(m.FOLLOW_UP_OUTCOMES as readonly string[]).includes(o))).toEqual(v1);
    for (const k of m.OUTCOMES) expect(m.outcomeKindSchema.safeParse(k).success).toBe(true);
    expect(m.outcomeKindSchema.safeParse('exploded').success).toBe(false);
    expect(m.outcomeKindSchema.safeParse('').success).toBe(false);
  });

  it('every kind but failed-retryable and in-progress is final', () => {
    expect([...m.FINAL_OUTCOMES]).toEqual(
      m.OUTCOMES.filter((o) => o !== 'failed-retryable' && o !== 'in-progress'),
    );
    expect(m.FINAL_OUTCOMES.size).toBe(m.OUTCOMES.length - 2);
    for (const k of [
      'aborted',
      'failed-permanent',
      'rolled-back-application',
      'awaiting-approval',
      'recovered',
    ] as const) {
      expect(m.FINAL_OUTCOMES.has(k)).toBe(true);
    }
    expect(m.FINAL_OUTCOMES.has('failed-retryable')).toBe(false);
    expect(m.FINAL_OUTCOMES.has('in-progress')).toBe(false);
  });

  it('the follow-up kinds are the three v2 ones, and all are outcome kinds', () => {
    expect(m.FOLLOW_UP_OUTCOMES).toEqual(['recovered', 'rollback-failed', 'rollback-stuck']);
    expect(m.OUTCOMES.slice(-3)).toEqual([...m.FOLLOW_UP_OUTCOMES]);
  });
});

describe('m.outcomeSchema', () => {
  it('schema versions 1 and 2, nothing else', () => {
    expect(m.SCHEMA_VERSIONS).toEqual([1, 2]);
    expect([1, 2, 0, 3, '1'].map((v) => ok(makeOutcome({ schemaVersion: v as 1 })))).toEqual([
      true,
      true,
      false,
      false,
      false,
    ]);
  });

  it('requires what every consumer reads; the rest may be absent', () => {
    for (const field of [
      'schemaVersion',
      'outcome',
      'summary',
      'messageId',
      'sae',
      'retryable',
      'receivedAt',
      'decidedAt',
    ]) {
      const doc: Record<string, unknown> = { ...makeOutcome() };
      delete doc[field];
      expect([field, ok(doc)]).toEqual([field, false]);
    }
    const { dedupeKey, changeOrderId, changeOrderStatus, appId, appName, alarm, fcRequestId, ...minimal } =
      makeOutcome();
    expect(ok(minimal)).toBe(true);
    expect(ok(makeOutcome({ retryable: 'no' as unknown as boolean }))).toBe(false);
    expect(ok(makeOutcome({ changeOrderStatus: '2' as unknown as number }))).toBe(false);
  });

  it('versions: `to` required, `from` optional', () => {
    expect(ok(makeOutcome({ versions: { to: 'v-2' } }))).toBe(true);
    expect(ok(makeOutcome({ versions: { from: 'v-3', to: 'v-2' } }))).toBe(true);
    expect(ok(makeOutcome({ versions: { from: 'v-3' } as unknown as { to: string } }))).toBe(false);
  });

  it('valve, original, follows: only known names', () => {
    for (const valve of ['cool-down', 'global-cap', 'flapping'] as const)
      expect(ok(makeOutcome({ valve }))).toBe(true);
    expect(ok(makeOutcome({ valve: 'budget' as 'flapping' }))).toBe(false);
    expect(ok(makeOutcome({ original: { outcome: 'in-progress' } }))).toBe(true);
    expect(ok(makeOutcome({ original: { outcome: 'aborted', at: '2026-01-01T00:00:00Z' } }))).toBe(true);
    expect(ok(makeOutcome({ original: { outcome: 'maybe' as 'aborted' } }))).toBe(false);
    const follows = { messageId: 'sr-1', outcome: 'aborted' as const, decidedAt: '2026-01-01T00:00:00Z' };
    expect(ok(makeOutcome({ follows }))).toBe(true);
    expect(ok(makeOutcome({ follows: { ...follows, outcome: 'in-progress' } }))).toBe(true);
    expect(ok(makeOutcome({ follows: { ...follows, outcome: 'maybe' as 'aborted' } }))).toBe(false);
  });

  it('attempts is a positive integer', () => {
    expect([1, 3, 0, -1, 1.5].map((attempts) => ok(makeOutcome({ attempts })))).toEqual([
      true,
      true,
      false,
      false,
      false,
    ]);
  });

  it('the alarm needs only its source; an SAE trace needs only its action', () => {
    expect(m.alarmSchema.safeParse({ source: 'direct' }).success).toBe(true);
    expect(m.alarmSchema.safeParse({ name: 'cpu' }).success).toBe(false);
    expect(m.saeTraceSchema.safeParse({ action: 'ListAppVersions' }).success).toBe(true);
    expect(
      m.saeTraceSchema.safeParse({
        action: 'X',
        httpStatus: 503,
        errorCode: 'E',
        requestId: 'r',
        traceId: 't',
      }).success,
    ).toBe(true);
    expect(m.saeTraceSchema.safeParse({ requestId: 'r' }).success).toBe(false);
    expect(m.saeTraceSchema.safeParse({ action: 'X', httpStatus: '503' }).success).toBe(false);
  });
});

describe('follow-up parts', () => {
  const timeline = {
    receivedAt: '2026-01-01T00:00:00.000Z',
    abortSentAt: '2026-01-01T00:00:01.000Z',
    endedAt: '2026-01-01T00:01:00.000Z',
    timeToAbortMs: 1000,
  };

  it('timeline: non-negative whole milliseconds; the time to recover is optional', () => {
    const parse = (t: object) => m.timelineSchema.safeParse({ ...timeline, ...t }).success;
    expect(parse({})).toBe(true);
    expect([0, -1, 1.5].map((timeToAbortMs) => parse({ timeToAbortMs }))).toEqual([true, false, false]);
    expect([0, 60_000, -1, 0.5].map((timeToRecoverMs) => parse({ timeToRecoverMs }))).toEqual([
      true,
      true,
      false,
      false,
    ]);
    expect(parse({ alarmFiredAt: '2026-01-01T00:00:00.000Z' })).toBe(true);
    for (const field of ['receivedAt', 'abortSentAt', 'endedAt', 'timeToAbortMs']) {
      const t: Record<string, unknown> = { ...timeline };
      delete t[field];
      expect([field, m.timelineSchema.safeParse(t).success]).toEqual([field, false]);
    }
  });

  it('hooks: fc or webhook, at least one attempt, task ID and error optional', () => {
    const hook = { kind: 'fc', target: 'svc/fn', ok: false, attempts: 2 };
    const parse = (h: object) => m.hookResultSchema.safeParse({ ...hook, ...h }).success;
    expect(parse({})).toBe(true);
    expect(parse({ kind: 'webhook', taskId: 't-1', error: 'HTTP 500' })).toBe(true);
    expect(parse({ kind: 'email' })).toBe(false);
    expect([1, 0, 1.5].map((attempts) => parse({ attempts }))).toEqual([true, false, false]);
    expect(parse({ ok: 'yes' })).toBe(false);
  });

  it('a v2 follow-up with all of them parses as an outcome', () => {
    const doc = makeOutcome({
      schemaVersion: 2,
      outcome: 'recovered',
      timeline: { ...timeline, timeToRecoverMs: 60_000 },
      hooks: [{ kind: 'webhook', target: '127.0.0.1', ok: true, attempts: 1 }],
      alarmCleared: true,
    });
    expect(m.outcomeSchema.parse(doc)).toEqual(doc);
    expect(ok({ ...doc, alarmCleared: 'yes' })).toBe(false);
    expect(ok({ ...doc, hooks: [{ kind: 'webhook', target: 'h', ok: true, attempts: 0 }] })).toBe(false);
  });
});
