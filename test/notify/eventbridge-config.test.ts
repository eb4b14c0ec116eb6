import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../lib/config.js';

const base = { SAE_REGION: 'cn-shanghai', MNS_ENDPOINT: 'https://1.mns.cn-shanghai.aliyuncs.com' };

describe('EventBridge channel configuration', () => {
  it('is off without EVENTBRIDGE_BUS', () => {
    expect(loadConfig(base).notify.eventbridge).toBeUndefined();
  });

  it('builds the endpoint from the account and region, like MNS, with the defaults', () => {
    const c = loadConfig({ ...base, EVENTBRIDGE_BUS: 'ops-events', FC_ACCOUNT_ID: '1234567890123456' });
    expect(c.notify.eventbridge).toEqual({
      bus: 'ops-events',
      endpoint: 'https://1234567890123456.eventbridge.cn-shanghai.aliyuncs.com',
      source: 'sae-rollback',
      region: 'cn-shanghai',
      accountId: '1234567890123456',
      timeoutMs: 5000,
    });
  });

  it('takes an endpoint host or URL, and reads the account from the host for the subject', () => {
    const host = loadConfig({
      ...base,
      EVENTBRIDGE_BUS: 'b',
      EVENTBRIDGE_ENDPOINT: '987654321.eventbridge.cn-shanghai-vpc.aliyuncs.com',
      EVENTBRIDGE_SOURCE: 'acme.sae-rollback',
      EVENTBRIDGE_TIMEOUT_MS: '1500',
    }).notify.eventbridge;
    expect(host).toMatchObject({
      endpoint: 'https://987654321.eventbridge.cn-shanghai-vpc.aliyuncs.com',
      accountId: '987654321',
      source: 'acme.sae-rollback',
      timeoutMs: 1500,
    });
    const local = loadConfig({
      ...base,
      EVENTBRIDGE_BUS: 'b',
      EVENTBRIDGE_ENDPOINT: 'http://127.0.0.1:4010/',
    });
    expect(local.notify.eventbridge).toMatchObject({ endpoint: 'http://127.0.0.1:4010', accountId: '' });
  });

  it.each([
    [{ EVENTBRIDGE_BUS: 'b' }, 'EVENTBRIDGE_ENDPOINT (unset)'],
    [{ EVENTBRIDGE_ENDPOINT: 'eb.example.com' }, 'EVENTBRIDGE_BUS (unset)'],
    [{ EVENTBRIDGE_BUS: 'has space', FC_ACCOUNT_ID: '1' }, 'EVENTBRIDGE_BUS'],
    [{ EVENTBRIDGE_BUS: 'b', EVENTBRIDGE_ENDPOINT: 'https://h/openapi' }, 'EVENTBRIDGE_ENDPOINT'],
    [{ EVENTBRIDGE_BUS: 'b', FC_ACCOUNT_ID: 'acme' }, 'FC_ACCOUNT_ID'],
  ])('refuses %j naming %s', (env, name) => {
    expect(() => loadConfig({ ...base, ...env })).toThrow(ConfigError);
    expect(() => loadConfig({ ...base, ...env })).toThrow(name);
  });
});
