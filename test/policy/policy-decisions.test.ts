import { describe, expect, it } from 'vitest';
import { normalizeSeverity, Policy } from '../../lib/policy/policy.js';

const reasonOf = (v: { ok: boolean; reason?: string } | string) =>
  typeof v === 'object' && !v.ok ? v.reason : undefined;

describe('Policy: unrated alarms under a minimum severity', () => {
  const strict = new Policy({ minSeverity: 'WARN' });

  it('refuses a CloudMonitor, Alertmanager or guard-rule alarm without a level, and says how to fix it', () => {
    for (const alarm of [
      { source: 'cloudmonitor' },
      { source: 'alertmanager' },
      { source: 'guard', ruleId: 'rule-7' },
    ]) {
      const v = strict.severity(alarm);
      expect(v).toMatchObject({ ok: false, rule: 'severity' });
      expect(reasonOf(v)).toBe(
        `severity: the ${alarm.source} alarm carries no severity, and POLICY_MIN_SEVERITY is WARN; an unrated alarm is not acted on. Give the rule a level (CloudMonitor triggerLevel, a severity label on the Alertmanager/ARMS rule) or set POLICY_ALLOW_UNRATED=true.`,
      );
    }
  });

  it('treats a blank severity as none', () => {
    expect(strict.severity({ source: 'cloudmonitor', severity: '   ' })).toMatchObject({
      ok: false,
      rule: 'severity',
    });
    expect(reasonOf(strict.severity({ source: 'alertmanager', severity: '' }))).toMatch(
      /carries no severity/,
    );
  });

  it('passes unrated requests that are not alarms: the guard’s own conditions, direct requests, SAE events', () => {
    for (const alarm of [
      { source: 'guard' },
      { source: 'direct' },
      { source: 'sae-event' },
      { source: 'arms' },
    ]) {
      expect(strict.severity(alarm)).toEqual({ ok: true });
    }
  });

  it('passes unrated alarms when POLICY_ALLOW_UNRATED is set, and everything when no minimum is set', () => {
    expect(
      new Policy({ minSeverity: 'CRITICAL', allowUnrated: true }).severity({ source: 'cloudmonitor' }),
    ).toEqual({
      ok: true,
    });
    const open = new Policy();
    expect(open.severity({ source: 'cloudmonitor' })).toEqual({ ok: true });
    expect(open.severity({ source: 'cloudmonitor', severity: 'whatever' })).toEqual({ ok: true });
    expect(open.severity({ source: 'cloudmonitor', severity: 'INFO' })).toEqual({ ok: true });
  });
});

describe('Policy: rated alarms', () => {
  const strict = new Policy({ minSeverity: 'CRITICAL' });

  it('reads severities regardless of padding and case', () => {
    expect(normalizeSeverity('  critical ')).toBe('CRITICAL');
    expect(strict.severity({ source: 'alertmanager', severity: ' Critical\n' })).toEqual({ ok: true });
  });

  it('names an unrankable severity (cut to 40 characters) in the refusal', () => {
    const raw = `sev-${'x'.repeat(60)}`;
    const v = strict.severity({ source: 'alertmanager', severity: raw });
    expect(v).toMatchObject({ ok: false, rule: 'severity' });
    expect(reasonOf(v)).toBe(
      `severity: the alarm's severity "${raw.slice(0, 40)}" is not one we can rank, and POLICY_MIN_SEVERITY is CRITICAL; not acting on it. Use CRITICAL, WARN or INFO (or critical/warning/info, P1–P4).`,
    );
  });

  it('names the level and the minimum when an alarm is below it', () => {
    expect(reasonOf(strict.severity({ source: 'cloudmonitor', severity: 'P3' }))).toBe(
      'severity: the alarm is WARN (P3), below POLICY_MIN_SEVERITY CRITICAL; only alarms of CRITICAL or above roll back.',
    );
  });
});

describe('Policy: namespace allowlist', () => {
  const listed = (appId: string, ns?: string) =>
    `allowlist: app ${appId}${ns ? ` (namespace ${ns})` : ''} is not in POLICY_ALLOW_APP_IDS or a namespace of POLICY_ALLOW_NAMESPACE_IDS; only listed apps are rolled back. Add it there to let sae-rollback act on it.`;

  it('decides from a known namespace without looking it up', async () => {
    const p = new Policy({ allowNamespaceIds: ['cn-hangzhou:prod'] });
    expect(p.appFromConfig('app-1', 'cn-hangzhou:prod')).toEqual({ ok: true });
    const outside = p.appFromConfig('app-1', 'cn-hangzhou:dev');
    expect(outside).toMatchObject({ ok: false, rule: 'allowlist' });
    expect(reasonOf(outside)).toBe(listed('app-1', 'cn-hangzhou:dev'));
    const asked: string[][] = [];
    const find = async (allowed: readonly string[]) => {
      asked.push([...allowed]);
      return 'cn-hangzhou:prod';
    };
    expect(await p.app('app-1', find, 'cn-hangzhou:prod')).toEqual({ ok: true });
    expect(await p.app('app-1', find, 'cn-hangzhou:dev')).toMatchObject({ ok: false, rule: 'allowlist' });
    expect(asked).toEqual([]);
  });

  it('needs the namespace only when a namespace allowlist is set', () => {
    expect(new Policy({ allowNamespaceIds: ['ns-a'] }).appFromConfig('app-1')).toBe('needs-namespace');
    const byId = new Policy({ allowAppIds: ['app-2'] }).appFromConfig('app-1');
    expect(byId).toMatchObject({ ok: false, rule: 'allowlist' });
    expect(reasonOf(byId)).toBe(listed('app-1'));
  });

  it('looks the namespace up among the allowed ones, and refuses when it is not one of them', async () => {
    const p = new Policy({ allowNamespaceIds: ['ns-a', 'ns-b'] });
    const asked: string[][] = [];
    const finder = (answer: string | undefined) => async (allowed: readonly string[]) => {
      asked.push([...allowed]);
      return answer;
    };
    expect(await p.app('app-1', finder('ns-b'))).toEqual({ ok: true });
    expect(asked).toEqual([['ns-a', 'ns-b']]);
    const elsewhere = await p.app('app-1', finder('ns-z'));
    expect(reasonOf(elsewhere)).toBe(listed('app-1', 'ns-z'));
    const nowhere = await p.app('app-1', finder(undefined));
    expect(reasonOf(nowhere)).toBe(listed('app-1'));
    expect(reasonOf(await p.app('app-1'))).toBe(listed('app-1'));
  });
});
