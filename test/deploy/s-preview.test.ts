import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../lib/config.js';
import { REQUIRED_ENV, type Rendered, renderTemplate, root } from './render.js';

type Props = Record<string, unknown> & {
  region?: string;
  functionName?: string;
  role?: string;
  logConfig?: { project?: string };
  environmentVariables?: Record<string, string>;
  triggers?: { triggerName: string; triggerType: string; [k: string]: unknown }[];
};

// Comments may quote the syntax; only YAML values count.
const text = readFileSync(join(root, 's.yaml'), 'utf8')
  .split('\n')
  .map((l) => l.replace(/(^|\s)#.*$/, ''))
  .join('\n');
/** Every `${env('NAME'…)}` in s.yaml: its name, and whether it carries a default. */
const envRefs = [...text.matchAll(/\$\{env\(\s*'([A-Z0-9_]+)'\s*(,[^)]*)?\)\}/g)].map((m) => ({
  name: m[1] ?? '',
  hasDefault: m[2] !== undefined,
}));

describe('s.yaml rendered by the real Serverless Devs CLI (s preview, offline)', () => {
  let r: Rendered;
  let props: (name: string) => Props;
  beforeAll(() => {
    r = renderTemplate('s.yaml', { ...REQUIRED_ENV });
    props = (name) => (r.project?.resources[name]?.props ?? {}) as Props;
  });

  it('renders with only the required variables set', () => {
    expect(r.ok, r.output).toBe(true);
    expect(Object.keys(r.project?.resources ?? {}).sort()).toEqual(['alarm', 'consumer', 'guard']);
  });

  it('the only variables without a default are the documented required ones', () => {
    expect(envRefs.length).toBeGreaterThan(20);
    const required = [...new Set(envRefs.filter((e) => !e.hasDefault).map((e) => e.name))].sort();
    expect(required).toEqual(Object.keys(REQUIRED_ENV).sort());
  });

  it("README's Deploy checklist asks for every required variable, and for a credential", () => {
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    const deploy = readme.slice(
      readme.indexOf('## Deploy'),
      readme.indexOf('\n## ', readme.indexOf('## Deploy') + 1),
    );
    for (const name of Object.keys(REQUIRED_ENV))
      expect(deploy, name).toMatch(new RegExp(`export [^\n]*${name}=`));
    expect(deploy).toMatch(/export ALARM_AUTH_TOKENS=/);
    expect(deploy).toMatch(/npx s preview/);
  });

  it.each(Object.keys(REQUIRED_ENV))('refuses to render without %s', (name) => {
    const env: Record<string, string> = { ...REQUIRED_ENV };
    delete env[name];
    const missing = renderTemplate('s.yaml', env);
    expect(missing.ok).toBe(false);
    expect(missing.output).toContain(name);
  });

  it('puts every function in the chosen region, with the role and the log project', () => {
    for (const name of ['alarm', 'consumer', 'guard']) {
      const p = props(name);
      expect(p.functionName).toBe(`sae-rollback-${name}`);
      expect(p.region).toBe(REQUIRED_ENV.SAE_ROLLBACK_REGION);
      expect(p.environmentVariables?.SAE_REGION).toBe(REQUIRED_ENV.SAE_ROLLBACK_REGION);
      expect(p.role).toBe(REQUIRED_ENV.SAE_ROLLBACK_ROLE_ARN);
      expect(p.logConfig?.project).toBe(REQUIRED_ENV.SAE_ROLLBACK_LOG_PROJECT);
    }
    const destination = (
      props('consumer').asyncInvokeConfig as { destinationConfig: { onFailure: { destination: string } } }
    ).destinationConfig.onFailure.destination;
    expect(destination).toMatch(/^acs:mns:cn-shanghai:/);
  });

  it('renders every optional variable as empty, and the auth variables are passed', () => {
    const env = props('alarm').environmentVariables ?? {};
    for (const { name, hasDefault } of envRefs) {
      if (hasDefault && name in env) expect(env[name], name).toBe('');
    }
    for (const name of [
      'ALARM_AUTH_TOKENS',
      'ALARM_HMAC_SECRETS',
      'ALARM_SOURCE_CIDRS',
      'ALARM_AUTH_REQUIRED',
    ]) {
      expect(env, name).toHaveProperty(name, '');
    }
    expect(env.GUARD_DISPATCH).toBe('fc-async');
    // All three functions get the same environment.
    expect(props('consumer').environmentVariables).toEqual(env);
    expect(props('guard').environmentVariables).toEqual(env);
  });

  it('passes an exported value through unchanged', () => {
    const token = 'a'.repeat(20);
    const withToken = renderTemplate('s.yaml', {
      ...REQUIRED_ENV,
      ALARM_AUTH_TOKENS: token,
      DRY_RUN: 'true',
    });
    const env = withToken.project?.resources.alarm?.props.environmentVariables as Record<string, string>;
    expect(env.ALARM_AUTH_TOKENS).toBe(token);
    expect(env.DRY_RUN).toBe('true');
  });

  it('renders the triggers: HTTP on the alarm, MNS/EventBridge on the consumer, the timer on the guard', () => {
    const triggers = (name: string) =>
      (props(name).triggers ?? []).map((t) => `${t.triggerName}:${t.triggerType}`);
    expect(triggers('alarm')).toEqual(['cloudmonitor:http']);
    expect(triggers('consumer')).toEqual([
      'alarm-topic:mns_topic',
      'sae-change-order-events:eventbridge',
      'alarm-queue:eventbridge',
      'alarm-rocketmq:eventbridge',
      'alarm-kafka:eventbridge',
    ]);
    expect(triggers('guard')).toEqual(['guard-every-minute:timer']);
    const http = props('alarm').triggers?.[0]?.triggerConfig as Record<string, unknown>;
    expect(http).toMatchObject({ authType: 'anonymous', methods: ['POST'] });
    const json = JSON.stringify(props('consumer').triggers);
    expect(json).toContain(REQUIRED_ENV.SAE_ROLLBACK_ROCKETMQ_INSTANCE_ID);
    expect(json).toContain(REQUIRED_ENV.SAE_ROLLBACK_KAFKA_INSTANCE_ID);
  });

  it('leaves nothing unresolved but the account ID, which `s deploy` fills from the access', () => {
    const leftovers = JSON.stringify(r.project).match(/\$\{[^}]*\}/g) ?? [];
    const accountId = ['$', "{config('AccountID')}"].join(''); // what Serverless Devs substitutes at deploy
    for (const l of leftovers) expect(l).toBe(accountId);
  });

  it.each(['alarm', 'consumer', 'guard'])('%s: loadConfig accepts the rendered (empty) values', (name) => {
    // FC adds FC_REGION / FC_ACCOUNT_ID at run time; every other value is exactly what s rendered.
    const env = {
      ...props(name).environmentVariables,
      FC_REGION: REQUIRED_ENV.SAE_ROLLBACK_REGION,
      FC_ACCOUNT_ID: '1234567890123456',
    };
    const config = loadConfig(env);
    expect(config.regionId).toBe(REQUIRED_ENV.SAE_ROLLBACK_REGION);
    expect(config.idempotency.store).toBe('memory');
    // Secure by default: no credential configured means the alarm's HTTP trigger refuses everything.
    expect(config.auth).toMatchObject({ tokens: [], hmacSecrets: [], required: true });
  });
});
