// release-rules.ts line by line: which CoTypeCodes count as releases, the exact refusal of each rule,
// the boundaries of "evidence newer than the release" and "not stale", the environment parsing, and
// the evidence key repeats are folded under.
import { beforeEach, describe, expect, it, vi } from 'vitest';

/**
 * The tables and defaults here are module scope: a mutation run credits them only to a test in which the
 * module loads, so each test loads a fresh copy.
 */
let m: typeof import('../../lib/rollback/release-rules.js');
beforeEach(async () => {
  vi.resetModules();
  m = await import('../../lib/rollback/release-rules.js');
});

const rules = (over: Partial<import('../../lib/rollback/release-rules.js').ReleaseRules> = {}) => ({
  ...m.DEFAULT_RELEASE_RULES,
  ...over,
});
const env = (e: Record<string, string>) => m.releaseEnvSchema.safeParse(e);
const from = (e: Record<string, string>) => m.releaseRulesFrom(m.releaseEnvSchema.parse(e));

describe('the tables', () => {
  it('rollback types are exactly CoRollback and CoDeployHistroy', () => {
    expect([...m.ROLLBACK_TYPES]).toEqual(['CoRollback', 'CoDeployHistroy']);
  });

  it('not started is exactly preparing, pending approval and approved-pending', () => {
    expect([...m.NOT_STARTED]).toEqual([0, 11, 12]);
  });

  it('the defaults abort only started CoDeploy releases, within 10 min, with 1 min of grace', () => {
    expect(m.DEFAULT_RELEASE_RULES).toEqual({
      abortTypes: new Set(['CoDeploy']),
      abortNotStarted: false,
      maxAlarmAgeMs: 600_000,
      preReleaseGraceMs: 60_000,
      anyFiringAlarm: false,
    });
  });
});

describe('the environment', () => {
  it('defaults to the default rules', () => {
    expect(from({})).toEqual(m.DEFAULT_RELEASE_RULES);
  });

  it('takes a list of known types or *, and refuses an empty or unknown one with the known list', () => {
    const r = from({ ABORT_CHANGE_TYPES: ' CoDeploy , CoScaleOut,*' });
    expect([...r.abortTypes]).toEqual(['CoDeploy', 'CoScaleOut', '*']);
    for (const bad of [' , ', 'CoDeploy,CoExplode']) {
      const e = env({ ABORT_CHANGE_TYPES: bad });
      expect(e.success).toBe(false);
      expect(e.error?.issues[0]?.message).toBe(
        `must be a comma-separated list of SAE CoTypeCode values (e.g. CoDeploy,CoRescaleApplicationVertically) or *; known: ${m.CHANGE_TYPES.join(', ')}`,
      );
    }
  });

  it('reads true and false only, for both switches', () => {
    const t = from({ ABORT_NOT_STARTED: 'true', STOP_ON_ANY_FIRING_ALARM: 'true' });
    expect(t).toMatchObject({ abortNotStarted: true, anyFiringAlarm: true });
    const f = from({ ABORT_NOT_STARTED: 'false', STOP_ON_ANY_FIRING_ALARM: 'false' });
    expect(f).toMatchObject({ abortNotStarted: false, anyFiringAlarm: false });
    expect(env({ ABORT_NOT_STARTED: 'yes' }).success).toBe(false);
    expect(env({ STOP_ON_ANY_FIRING_ALARM: '' }).success).toBe(false);
  });

  it('takes seconds from 0 to 7 days and turns them into ms', () => {
    const r = from({ ALARM_MAX_AGE_SECONDS: '604800', ALARM_PRE_RELEASE_GRACE_SECONDS: '7' });
    expect(r).toMatchObject({
      maxAlarmAgeMs: 604_800_000,
      preReleaseGraceMs: 7000,
    });
    expect(env({ ALARM_MAX_AGE_SECONDS: '604801' }).success).toBe(false);
    expect(env({ ALARM_PRE_RELEASE_GRACE_SECONDS: '604801' }).success).toBe(false);
    expect(from({ ALARM_PRE_RELEASE_GRACE_SECONDS: '0' }).preReleaseGraceMs).toBe(0);
  });
});

describe('mayAbortType', () => {
  it('no type, or a type not allowed, is never aborted; no extra types by default', () => {
    expect(m.mayAbortType(undefined, rules())).toBe(false);
    expect(m.mayAbortType('', rules({ abortTypes: new Set(['*']) }))).toBe(false);
    expect(m.mayAbortType('Stryker was here', rules())).toBe(false);
    expect(m.mayAbortType('CoScaleOut', rules())).toBe(false);
    expect(m.mayAbortType('CoDeploy', rules())).toBe(true);
    expect(m.mayAbortType('CoScaleOut', rules(), ['CoScaleOut'])).toBe(true);
  });

  it('* allows every type but the rollbacks, which only an explicit name allows', () => {
    const star = rules({ abortTypes: new Set(['*']) });
    for (const t of m.CHANGE_TYPES) expect(m.mayAbortType(t, star)).toBe(!m.ROLLBACK_TYPES.has(t));
    expect(m.mayAbortType('CoRollback', star, ['CoRollback'])).toBe(true);
    expect(m.mayAbortType('CoDeployHistroy', rules({ abortTypes: new Set(['CoDeployHistroy']) }))).toBe(true);
  });
});

describe('changeOrderRefusal', () => {
  const co = (coTypeCode: string | undefined, status = 1) =>
    coTypeCode === undefined
      ? { changeOrderId: 'co-1', status }
      : { changeOrderId: 'co-1', coTypeCode, status };

  it('a scale-out is not a release, and says how to abort it by hand', () => {
    expect(m.changeOrderRefusal(co('CoScaleOut'), 'app web', rules())).toEqual({
      rule: 'change-type',
      summary:
        'Nothing done: the running change order co-1 of app web is CoScaleOut (not a release), not a release sae-rollback aborts.',
      reason:
        'change-type: only CoDeploy change orders are aborted (ABORT_CHANGE_TYPES); a CoScaleOut is left to run. If this alarm is about a bad release, it is not the one running now; abort by hand with `sae-rollback abort --allow-type CoScaleOut` if you mean it.',
    });
  });

  it('a rollback is named one; the reason lists the configured and the extra types', () => {
    const r = m.changeOrderRefusal(co('CoRollback'), 'app web', rules({ abortTypes: new Set(['*']) }), [
      'CoRestartApplication',
    ]);
    expect(r?.summary).toBe(
      'Nothing done: the running change order co-1 of app web is CoRollback (a rollback), not a release sae-rollback aborts.',
    );
    expect(r?.reason).toMatch(/^change-type: only \*, CoRestartApplication change orders are aborted /);
  });

  it('an unknown type is said so, and no extra type is assumed', () => {
    expect(m.changeOrderRefusal(co(undefined), 'app web', rules())?.summary).toBe(
      'Nothing done: the running change order co-1 of app web is a change of unknown type (not a release), not a release sae-rollback aborts.',
    );
    expect(m.changeOrderRefusal(co('Stryker was here'), 'app web', rules())?.rule).toBe('change-type');
  });

  it('a release that has not started is refused, unless ABORT_NOT_STARTED', () => {
    for (const status of [0, 11, 12]) {
      expect(m.changeOrderRefusal(co('CoDeploy', status), 'app web', rules())?.rule).toBe('not-started');
      expect(m.changeOrderRefusal(co('CoDeploy', status), 'app web', rules({ abortNotStarted: true }))).toBe(
        undefined,
      );
    }
    expect(m.changeOrderRefusal(co('CoDeploy', 11), 'app web', rules())).toEqual({
      rule: 'not-started',
      summary:
        'Nothing done: change order co-1 of app web has not started (pending approval); the alarm cannot be about it.',
      reason:
        'not-started: a release that is preparing or awaiting approval may be the fix; it is not aborted (ABORT_NOT_STARTED=true changes that). If it must not run, reject it in SAE.',
    });
  });

  it('a running release of an allowed type passes', () => {
    for (const status of [1, 8, 9])
      expect(m.changeOrderRefusal(co('CoDeploy', status), 'x', rules())).toBe(undefined);
  });
});

describe('alarmBegan', () => {
  it('is the parsed firedAt, or undefined with no alarm, no time or no valid time', () => {
    expect(m.alarmBegan(undefined)).toBe(undefined);
    expect(m.alarmBegan({ source: 'direct' })).toBe(undefined);
    expect(m.alarmBegan({ source: 'direct', firedAt: '' })).toBe(undefined);
    expect(m.alarmBegan({ source: 'direct', firedAt: 'soon' })).toBe(undefined);
    expect(m.alarmBegan({ source: 'direct', firedAt: '2026-12-04T10:00:00Z' })).toBe(
      Date.parse('2026-12-04T10:00:00Z'),
    );
  });
});

describe('staleAlarmRefusal', () => {
  const firedAt = '2026-12-04T10:00:00Z';
  const began = Date.parse(firedAt);
  const alarm = { source: 'direct', firedAt };

  it('an alarm exactly at the limit is fresh; one ms older is stale, said exactly', () => {
    expect(m.staleAlarmRefusal(alarm, began + 600_000, rules())).toBe(undefined);
    expect(m.staleAlarmRefusal(alarm, began + 600_001, rules())).toEqual({
      rule: 'alarm-age',
      summary:
        'Nothing done: the alarm began 10 min ago (2026-12-04T10:00:00Z), longer than the 10 min sae-rollback trusts (a late or repeated delivery).',
      reason:
        'alarm-age: evidence older than ALARM_MAX_AGE_SECONDS is not acted on — it may be about an earlier release, or delivered from a backlog. If a release is bad now, a fresh alarm will stop it; roll back by hand if needed. STOP_ON_ANY_FIRING_ALARM=true acts on any firing alarm.',
    });
  });

  it('no limit (0), any-firing-alarm mode, or no time: never stale', () => {
    const late = began + 86_400_000;
    expect(m.staleAlarmRefusal(alarm, late, rules({ maxAlarmAgeMs: 0 }))).toBe(undefined);
    expect(m.staleAlarmRefusal(alarm, late, rules({ anyFiringAlarm: true }))).toBe(undefined);
    expect(m.staleAlarmRefusal({ source: 'direct' }, late, rules())).toBe(undefined);
    expect(m.staleAlarmRefusal(undefined, late, rules())).toBe(undefined);
    expect(m.staleAlarmRefusal(alarm, late, rules({ maxAlarmAgeMs: 1 }))?.rule).toBe('alarm-age');
  });
});

describe('preReleaseRefusal', () => {
  const firedAt = '2026-12-04T10:00:00Z';
  const began = Date.parse(firedAt);
  const co = (startedMs: number) => ({ changeOrderId: 'co-1', createTime: String(startedMs) });
  const alarm = { source: 'direct', firedAt };

  it('an alarm that began exactly the grace before the release counts; one ms earlier does not', () => {
    expect(m.preReleaseRefusal(alarm, co(began + 60_000), rules())).toBe(undefined);
    expect(m.preReleaseRefusal(alarm, co(began - 5_000), rules())).toBe(undefined);
    expect(m.preReleaseRefusal(alarm, co(began + 60_001), rules())).toEqual({
      rule: 'pre-release-alarm',
      summary:
        'Nothing done: the alarm has fired since 2026-12-04T10:00:00Z, 1 min before change order co-1 started; it is not evidence against this release.',
      reason:
        'pre-release-alarm: the alert has fired since before this release started — if this release is a fix, nothing was done, as it should be. If an alert that is already firing should stop every release, set STOP_ON_ANY_FIRING_ALARM=true (or raise ALARM_PRE_RELEASE_GRACE_SECONDS).',
    });
  });

  it('no alarm time, no release time, or any-firing-alarm mode: no refusal', () => {
    const long = co(began + 3_600_000);
    expect(m.preReleaseRefusal({ source: 'direct' }, long, rules())).toBe(undefined);
    expect(m.preReleaseRefusal(undefined, long, rules())).toBe(undefined);
    expect(m.preReleaseRefusal(alarm, { changeOrderId: 'co-1' }, rules())).toBe(undefined);
    expect(m.preReleaseRefusal(alarm, long, rules({ anyFiringAlarm: true }))).toBe(undefined);
    expect(m.preReleaseRefusal(alarm, long, rules())?.rule).toBe('pre-release-alarm');
  });
});

describe('evidenceKey', () => {
  it('is source, rule (else name) and start time, with - for each missing part', () => {
    const full = { source: 'cms', ruleId: 'r1', name: 'cpu', firedAt: '2026-12-04T10:00:00Z' };
    expect(m.evidenceKey('co-1', full)).toBe('sae-rollback:evidence:co-1:cms|r1|2026-12-04T10:00:00Z');
    expect(m.evidenceKey('co-1', { source: 'cms', name: 'cpu' })).toBe(
      'sae-rollback:evidence:co-1:cms|cpu|-',
    );
    expect(m.evidenceKey('co-1', undefined)).toBe('sae-rollback:evidence:co-1:-|-|-');
  });

  it('keeps at most 300 characters of the evidence', () => {
    const key = m.evidenceKey('co-1', { source: 'x'.repeat(400) });
    expect(key).toBe(`sae-rollback:evidence:co-1:${'x'.repeat(300)}`);
  });
});
