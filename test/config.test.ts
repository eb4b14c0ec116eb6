import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../lib/config.js';

describe('loadConfig', () => {
  it('builds the production endpoints from region and account', () => {
    const c = loadConfig({ FC_REGION: 'cn-hangzhou', FC_ACCOUNT_ID: '1234567890123456' });
    expect(c.regionId).toBe('cn-hangzhou');
    expect(c.sae.endpoint).toBeUndefined();
    expect(c.sae.protocol).toBe('https');
    expect(c.mns.endpoint).toBe('https://1234567890123456.mns.cn-hangzhou.aliyuncs.com');
    expect(c.mns.topic).toBe('sae-rollback-outcomes');
    expect(c.idempotency.ttlMs).toBe(86_400_000);
  });

  it('takes overrides for the emulators', () => {
    const c = loadConfig({
      SAE_REGION: 'cn-shanghai',
      SAE_ENDPOINT: '127.0.0.1:4010',
      SAE_PROTOCOL: 'http',
      MNS_ENDPOINT: 'http://127.0.0.1:4011',
      MNS_TOPIC: 'ops-alerts',
      SAE_READ_TIMEOUT_MS: '8000',
    });
    expect(c.sae).toEqual({
      endpoint: '127.0.0.1:4010',
      protocol: 'http',
      connectTimeoutMs: 3000,
      readTimeoutMs: 8000,
    });
    expect(c.mns.endpoint).toBe('http://127.0.0.1:4011');
  });

  it('lists every bad variable with its name and shape, never its value', () => {
    const secretish = 'https://sae.example.com/with/path?token=hunter2-very-secret';
    let err: unknown;
    try {
      loadConfig({
        SAE_REGION: 'cn-hangzhou',
        SAE_ENDPOINT: secretish,
        SAE_PROTOCOL: 'ftp',
        MNS_ACCOUNT_ID: '1',
      });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    const msg = (err as Error).message;
    expect(msg).toContain(`SAE_ENDPOINT (a ${secretish.length}-character value)`);
    expect(msg).toContain('SAE_PROTOCOL');
    expect(msg).not.toContain('hunter2');
  });

  it('explains what to set when the region or MNS endpoint is missing', () => {
    expect(() => loadConfig({})).toThrow(/SAE_REGION \(unset\)/);
    expect(() => loadConfig({ SAE_REGION: 'cn-hangzhou' })).toThrow(
      /MNS_ENDPOINT \(unset\).*MNS_ACCOUNT_ID/s,
    );
  });

  it('treats empty strings (unset s.yaml variables) as unset', () => {
    const c = loadConfig({ SAE_REGION: 'cn-hangzhou', MNS_ACCOUNT_ID: '1', SAE_ENDPOINT: '', MNS_TOPIC: '' });
    expect(c.sae.endpoint).toBeUndefined();
    expect(c.mns.topic).toBe('sae-rollback-outcomes');
  });
});

describe('loadConfig: numbers and the Redis prefix (issue 18)', () => {
  const base = { SAE_REGION: 'cn-hangzhou', MNS_ENDPOINT: 'http://127.0.0.1:1' };

  it.each([['abc'], ['1.5'], ['0'], ['20000']])(
    'SAE_CALLS_PER_WINDOW=%s: the message names the allowed range and the default',
    (value) => {
      let message = '';
      try {
        loadConfig({ ...base, SAE_CALLS_PER_WINDOW: value });
      } catch (err) {
        expect(err).toBeInstanceOf(ConfigError);
        message = (err as Error).message;
      }
      expect(message).toContain('SAE_CALLS_PER_WINDOW');
      expect(message).toContain('a whole number from 1 to 10000 (default 50 when unset)');
      expect(message).not.toContain('NaN');
    },
  );

  it('gives REDIS_KEY_PREFIX a separator unless it ends in one', () => {
    expect(loadConfig({ ...base, REDIS_KEY_PREFIX: 'prod' }).redis.keyPrefix).toBe('prod:');
    expect(loadConfig({ ...base, REDIS_KEY_PREFIX: 'prod:' }).redis.keyPrefix).toBe('prod:');
    expect(loadConfig({ ...base, REDIS_KEY_PREFIX: 'test.run-' }).redis.keyPrefix).toBe('test.run-');
    expect(loadConfig(base).redis.keyPrefix).toBe('');
  });
});

describe('loadConfig: the follow-up and hook numbers', () => {
  const base = { SAE_REGION: 'cn-hangzhou', MNS_ENDPOINT: 'http://127.0.0.1:4011' };
  const problems = (env: Record<string, string>) => {
    try {
      loadConfig({ ...base, ...env });
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err;
      return err.message.split('\n').filter((l) => l.startsWith('  '));
    }
    return [];
  };

  it('reads them, with their defaults when unset', () => {
    const c = loadConfig({ ...base, FOLLOW_UP_STUCK_MINUTES: '45', HOOK_ATTEMPTS: '2' });
    expect(c.follow.settings.stuckAfterMs).toBe(45 * 60_000);
    expect(c.follow.settings.firstCheckMs).toBe(30_000);
    expect(c.follow.settings.maxBackoffMs).toBe(300_000);
    expect(c.follow.settings.checksPerRun).toBe(5);
    expect(c.follow.hooks.attempts).toBe(2);
  });

  it('reports each way a number is wrong, as zod words it (a fraction stops at the whole-number check)', () => {
    expect(
      problems({
        FOLLOW_UP_FIRST_CHECK_SECONDS: 'soon',
        FOLLOW_UP_MAX_BACKOFF_SECONDS: '0',
        FOLLOW_UP_STUCK_MINUTES: '1.5',
        FOLLOW_UP_CHECKS_PER_RUN: '-0.5',
        HOOK_TIMEOUT_MS: '60001',
      }),
    ).toEqual([
      '  FOLLOW_UP_FIRST_CHECK_SECONDS (a 4-character value): Invalid input: expected number, received NaN',
      '  FOLLOW_UP_MAX_BACKOFF_SECONDS (a 1-character value): Too small: expected number to be >=1',
      '  FOLLOW_UP_STUCK_MINUTES (a 3-character value): Invalid input: expected int, received number',
      '  FOLLOW_UP_CHECKS_PER_RUN (a 4-character value): Invalid input: expected int, received number',
      '  HOOK_TIMEOUT_MS (a 5-character value): Too big: expected number to be <=60000',
    ]);
  });
});
