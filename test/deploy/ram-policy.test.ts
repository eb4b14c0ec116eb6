import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CMS_ACTIONS } from '../../lib/cms/types.js';
import { httpTriggerEvent } from '../../lib/dev/http-event.js';
import { FC_ACTIONS } from '../../lib/invoke/types.js';
import { EVENTBRIDGE_ACTIONS } from '../../lib/notify/eventbridge-client.js';
import { MNS_ACTIONS } from '../../lib/notify/mns-client.js';
import { SAE_APP_ACTIONS } from '../../lib/sae/app-types.js';
import { SAE_ACTIONS } from '../../lib/sae/types.js';
import { type Stack, startStack } from '../helpers/stack.js';
import { REQUIRED_ENV, renderTemplate } from './render.js';

interface Statement {
  Effect: 'Allow' | 'Deny';
  Action: string[];
  Resource: string | string[];
}
const policy = JSON.parse(readFileSync(new URL('../../ram-policy.json', import.meta.url), 'utf8')) as {
  Version: string;
  Statement: Statement[];
};
const allowed = new Set(policy.Statement.filter((s) => s.Effect === 'Allow').flatMap((s) => s.Action));

/** One thing the deployment does with the functions' role: an action on a resource, and why. */
interface Need {
  action: string;
  resource: string;
  why: string;
}

const { project } = renderTemplate('s.yaml', { ...REQUIRED_ENV });
type Props = {
  functionName: string;
  environmentVariables: Record<string, string>;
  logConfig?: { logstore?: string };
  asyncInvokeConfig?: { destinationConfig?: Record<string, { destination?: string }> };
};
const deployed = Object.values(project?.resources ?? {}).map((r) => r.props as Props);

/** What FC needs the role for to deliver to an async destination (README: mns:SendMessage, …). */
function destinationNeed(arn: string, why: string): Need {
  const topic = /^acs:mns:[^:]*:[^:]*:\/topics\/([^/]+)\/messages$/.exec(arn)?.[1];
  if (topic) return { action: 'mns:PublishMessage', resource: `acs:mns:*:*:/topics/${topic}/messages`, why };
  const queue = /^acs:mns:[^:]*:[^:]*:\/queues\/([^/]+)\/messages$/.exec(arn)?.[1];
  if (queue) return { action: 'mns:SendMessage', resource: `acs:mns:*:*:/queues/${queue}/messages`, why };
  const fn = /^acs:fc:[^:]*:[^:]*:functions\/([^/]+)/.exec(arn)?.[1];
  if (fn) return { action: 'fc:InvokeFunction', resource: `acs:fc:*:*:functions/${fn}`, why };
  const bus = /^acs:eventbridge:[^:]*:[^:]*:eventbus\/([^/]+)/.exec(arn)?.[1];
  if (bus) return { action: 'eventbridge:PutEvents', resource: `acs:eventbridge:*:*:eventbus/${bus}`, why };
  throw new Error(`destination ${arn} (${why}): teach this test what it needs`);
}

/**
 * Everything the deployed functions' role is used for, derived from the clients' action lists and from
 * s.yaml as the CLI renders it: the outcome topic, the fan-out target, every async destination, the logs.
 */
function needs(): Need[] {
  const out: Need[] = [];
  const any = (actions: readonly string[], service: string, why: string) =>
    out.push(...actions.map((a) => ({ action: `${service}:${a}`, resource: '*', why })));
  any(SAE_ACTIONS, 'sae', 'the decision core (lib/sae/types.ts)');
  any(SAE_APP_ACTIONS, 'sae', 'the guard, the bake window, the namespace allowlist (lib/sae/app-types.ts)');
  any(CMS_ACTIONS, 'cms', "the guard's CloudMonitor check (lib/cms/types.ts)");
  for (const p of deployed) {
    const env = p.environmentVariables;
    for (const a of MNS_ACTIONS) {
      const resource = `acs:mns:*:*:/topics/${env.MNS_TOPIC}/messages`;
      out.push({ action: `mns:${a}`, resource, why: `${p.functionName} publishes outcomes (MNS_TOPIC)` });
    }
    // The EventBridge channel is off unless EVENTBRIDGE_BUS is exported; the policy grants the bus the
    // README and s.yaml name (sae-rollback).
    for (const a of EVENTBRIDGE_ACTIONS) {
      const resource = `acs:eventbridge:*:*:eventbus/${env.EVENTBRIDGE_BUS || 'sae-rollback'}`;
      out.push({ action: `eventbridge:${a}`, resource, why: `${p.functionName}: EVENTBRIDGE_BUS channel` });
    }
    if (env.GUARD_DISPATCH === 'fc-async') {
      expect(deployed.map((d) => d.functionName)).toContain(env.GUARD_CONSUMER_FUNCTION);
      for (const a of FC_ACTIONS) {
        const resource = `acs:fc:*:*:functions/${env.GUARD_CONSUMER_FUNCTION}`;
        out.push({ action: `fc:${a}`, resource, why: `${p.functionName}: GUARD_DISPATCH=fc-async` });
      }
    }
    for (const [when, d] of Object.entries(p.asyncInvokeConfig?.destinationConfig ?? {})) {
      if (d.destination)
        out.push(destinationNeed(d.destination, `${p.functionName}: async ${when} destination`));
    }
    // FC writes the function's logs to the logstore with the function's role.
    if (p.logConfig?.logstore) {
      const resource = `acs:log:*:*:project/*/logstore/${p.logConfig.logstore}`;
      out.push({ action: 'log:PostLogStoreLogs', resource, why: `${p.functionName}: logConfig` });
    }
  }
  return out;
}

/** RAM resource patterns: `*` matches any run of characters. */
const matches = (pattern: string, resource: string) =>
  new RegExp(
    `^${pattern
      .split('*')
      .map((p) => p.replace(/[.+?^${}()|[\]\\/]/g, '\\$&'))
      .join('.*')}$`,
  ).test(resource);
const resourcesOf = (s: Statement) => (Array.isArray(s.Resource) ? s.Resource : [s.Resource]);
const grants = (n: Need) =>
  policy.Statement.some(
    (s) =>
      s.Effect === 'Allow' &&
      s.Action.includes(n.action) &&
      resourcesOf(s).some((r) => matches(r, n.resource)),
  );

describe('ram-policy.json (least privilege)', () => {
  it('s.yaml rendered (the needs are derived from it)', () => {
    expect(deployed.map((p) => p.functionName).sort()).toEqual([
      'sae-rollback-alarm',
      'sae-rollback-consumer',
      'sae-rollback-guard',
    ]);
  });

  it('grants every action on every resource the deployment uses, destinations and logs included', () => {
    const missing = needs().filter((n) => !grants(n));
    expect(missing, JSON.stringify(missing, null, 2)).toEqual([]);
  });

  it('grants nothing else: every action and every resource it names is needed', () => {
    const all = needs();
    expect([...allowed].sort()).toEqual([...new Set(all.map((n) => n.action))].sort());
    for (const s of policy.Statement) {
      for (const r of resourcesOf(s)) {
        for (const a of s.Action) {
          const used = all.some((n) => n.action === a && matches(r, n.resource));
          expect(used, `${a} on ${r} is granted but nothing in s.yaml or the clients needs it`).toBe(true);
        }
      }
    }
    for (const a of allowed) expect(a).not.toContain('*');
  });

  it('the check is real: a policy without the dead-letter topic misses it', () => {
    const dlq = needs().find((n) => n.why.includes('onFailure destination'));
    expect(dlq?.resource).toBe('acs:mns:*:*:/topics/sae-rollback-dead-letters/messages');
    expect(matches('acs:mns:*:*:/topics/sae-rollback-outcomes/messages', dlq?.resource ?? '')).toBe(false);
    expect(matches('acs:mns:*:*:/topics/*/messages', dlq?.resource ?? '')).toBe(true);
  });

  it('allows exactly the actions the clients can call, no wildcards', () => {
    const used = [
      ...SAE_ACTIONS.map((a) => `sae:${a}`),
      ...SAE_APP_ACTIONS.map((a) => `sae:${a}`),
      ...CMS_ACTIONS.map((a) => `cms:${a}`),
      ...MNS_ACTIONS.map((a) => `mns:${a}`),
      ...EVENTBRIDGE_ACTIONS.map((a) => `eventbridge:${a}`),
      ...FC_ACTIONS.map((a) => `fc:${a}`),
      'log:PostLogStoreLogs', // FC itself, for logConfig
    ].sort();
    expect([...allowed].sort()).toEqual(used);
    for (const a of allowed) expect(a).not.toContain('*');
  });

  it('scopes publishing to the outcome topic and the dead-letter topic', () => {
    const mns = policy.Statement.filter((s) => s.Action.includes('mns:PublishMessage')).flatMap(resourcesOf);
    expect(mns.sort()).toEqual([
      'acs:mns:*:*:/topics/sae-rollback-dead-letters/messages',
      'acs:mns:*:*:/topics/sae-rollback-outcomes/messages',
    ]);
  });

  it('scopes EventBridge publishing to the outcome bus', () => {
    const eb = policy.Statement.find((s) => s.Action.includes('eventbridge:PutEvents'));
    expect(eb?.Resource).toBe('acs:eventbridge:*:*:eventbus/sae-rollback');
  });

  it('lets the guard invoke only the consumer (the fan-out)', () => {
    const fc = policy.Statement.find((s) => s.Action.includes('fc:InvokeFunction'));
    expect(fc?.Resource).toBe('acs:fc:*:*:functions/sae-rollback-consumer');
  });

  describe('what a real rollback calls', () => {
    let s: Stack;
    beforeAll(async () => {
      s = await startStack();
    });
    afterAll(() => s.close());

    it('calls only SAE actions the policy allows (read from the emulator log)', async () => {
      s.sae.seedApp({ appId: 'policy-app-0001', versions: ['v1', 'v2'] });
      s.sae.startChangeOrder({ appId: 'policy-app-0001' });
      await s.invoke(httpTriggerEvent(JSON.stringify({ appId: 'policy-app-0001' })));
      const called = new Set(s.sae.calls.map((c) => `sae:${c.action}`));
      // An app-named alarm: the running change order from one filtered ListChangeOrders, then the abort.
      expect([...called].sort()).toEqual(['sae:AbortAndRollbackChangeOrder', 'sae:ListChangeOrders']);
      for (const a of called) expect(allowed).toContain(a);
      expect(s.mns.messages()).toHaveLength(1);
    });
  });
});
