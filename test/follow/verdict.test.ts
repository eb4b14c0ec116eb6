// The follow-up rule per followed outcome and SAE status, and the timeline's arithmetic.
import { describe, expect, it } from 'vitest';
import type { FollowEntry } from '../../lib/follow/types.js';
import { followUpOutcome, timelineOf, verdictOf } from '../../lib/follow/verdict.js';
import { outcomeSchema } from '../../lib/rollback/outcome.js';

const T0 = Date.parse('2026-12-01T03:00:00.000Z');
const entry = (over: Partial<FollowEntry> = {}): FollowEntry => ({
  id: 'sae-rollback:follow:co-00000001',
  watchChangeOrderId: 'co-00000001',
  changeOrderId: 'co-00000001',
  appId: 'app-00000001',
  follows: { messageId: 'sr-1', outcome: 'aborted', decidedAt: new Date(T0 + 20_000).toISOString() },
  alarm: { source: 'cloudmonitor', name: '5xx', firedAt: new Date(T0).toISOString() },
  receivedAt: new Date(T0 + 15_000).toISOString(),
  nextCheckAt: T0,
  checks: 0,
  ...over,
});
const co = (status: number) => ({
  changeOrderId: 'co-00000001',
  appId: 'app-00000001',
  status,
  subStatus: 0,
});
const STUCK = 30 * 60_000;

describe('verdictOf', () => {
  it.each([
    [6, 'recovered'],
    [3, 'rollback-failed'],
    [10, 'rollback-failed'],
    [1, 'pending'],
    [8, 'pending'],
  ])('after an abort, status %i is %s', (status, kind) => {
    expect(verdictOf(entry(), co(status), T0 + 60_000, STUCK).kind).toBe(kind);
  });

  it('RollbackApplication: 2 recovered, 6 (someone stopped our rollback) failed', () => {
    const e = entry({
      follows: {
        messageId: 'sr-2',
        outcome: 'rolled-back-application',
        decidedAt: new Date(T0).toISOString(),
      },
    });
    expect(verdictOf(e, co(2), T0, STUCK).kind).toBe('recovered');
    expect(verdictOf(e, co(6), T0, STUCK).kind).toBe('rollback-failed');
  });

  it('stuck once not final for the configured time; SupportRollback: false is never "recovered"', () => {
    expect(verdictOf(entry(), co(1), T0 + 20_000 + STUCK - 1, STUCK).kind).toBe('pending');
    expect(verdictOf(entry(), co(1), T0 + 20_000 + STUCK, STUCK).kind).toBe('rollback-stuck');
    expect(verdictOf(entry({ abortOnly: true }), co(6), T0, STUCK).kind).toBe('rollback-failed');
  });
});

describe('timeline and document', () => {
  it('counts from the alarm; from receipt when the alarm time is after it (skew) or unknown', () => {
    expect(timelineOf(entry(), 'recovered', T0 + 120_000)).toMatchObject({
      timeToAbortMs: 20_000,
      timeToRecoverMs: 120_000,
    });
    const skewed = entry({ alarm: { source: 'x', firedAt: new Date(T0 + 60_000).toISOString() } });
    expect(timelineOf(skewed, 'rollback-failed', T0 + 120_000)).toEqual({
      alarmFiredAt: new Date(T0 + 60_000).toISOString(),
      receivedAt: new Date(T0 + 15_000).toISOString(),
      abortSentAt: new Date(T0 + 20_000).toISOString(),
      endedAt: new Date(T0 + 120_000).toISOString(),
      timeToAbortMs: 5_000,
    });
  });

  it('is a valid v2 outcome whose message ID is stable for the change order', () => {
    const a = followUpOutcome(entry(), { kind: 'rollback-failed', status: 3 }, T0 + 60_000, []);
    const b = followUpOutcome(entry(), { kind: 'recovered', status: 6 }, T0 + 90_000, []);
    expect(outcomeSchema.parse(a)).toEqual(a);
    expect(a.schemaVersion).toBe(2);
    expect(a.messageId).toBe(b.messageId);
    expect(a.reason).toMatch(/A human is needed now/);
  });
});
