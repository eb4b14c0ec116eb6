// The admit step (lib/rollback/admit.ts), through the decision core on an in-memory SAE: a refusal names
// what it refused and is kept under the key of what the request named (never another request's), a
// failed namespace look-up says so, and evidence older than the limit is refused before any SAE call.
import { describe, expect, it } from 'vitest';
import { Policy } from '../../lib/policy/policy.js';
import { RollbackCore, type RollbackCoreOptions } from '../../lib/rollback/core.js';
import type { RollbackRequest } from '../../lib/rollback/types.js';
import type { SaeAppApi } from '../../lib/sae/app-types.js';
import { SaeError, SaeErrorKind } from '../../lib/sae/errors.js';
import { coreFixture } from '../helpers/core-fixture.js';

const CO = 'a0c1a2b3-0000-4000-8000-00000000ad01';
const APP = 'app-admit-0001';
const f = coreFixture(CO, APP);
const INFO = { source: 'alertmanager', severity: 'info' };
const core = (o: Partial<RollbackCoreOptions> = {}) =>
  new RollbackCore({ sae: f.sae, store: f.store, clock: f.clock, ...o });
const severe = () => core({ policy: new Policy({ minSeverity: 'CRITICAL' }) });
const rule = 'the rollback policy (severity) does not allow it.';

describe('a policy refusal', () => {
  it.each([
    ['the app', { appId: APP }, `app ${APP}`, `app:${APP}`],
    ['the change order', { changeOrderId: CO }, `change order ${CO}`, `co:${CO}`],
    ['both', { appId: APP, changeOrderId: CO }, `app ${APP}`, `app:${APP}:co:${CO}`],
    ['neither', {}, 'change order -', ''],
  ])(
    'naming %s: says what it refused, kept under what the request named',
    async (_w, named, what, target) => {
      const req: Partial<RollbackRequest> = named;
      const d = await severe().decide(f.req({ ...req, alarm: INFO }));
      expect(d.outcome.outcome).toBe('refused');
      expect(d.outcome.summary).toBe(`Refused to roll back ${what}: ${rule}`);
      expect(d.outcome.changeOrderId).toBe(req.changeOrderId);
      expect((await f.store.get(`sae-rollback:refused:severity:${target}`))?.outcome.outcome).toBe('refused');
      expect(f.sae.calls).toEqual([]);
    },
  );

  it('of one change order never answers another of the same app', async () => {
    const c = severe();
    await c.decide(f.req({ appId: APP, changeOrderId: CO, alarm: INFO }));
    const other = await c.decide(f.req({ appId: APP, changeOrderId: `${CO}-2`, alarm: INFO }));
    expect(other.outcome).toMatchObject({ outcome: 'refused', changeOrderId: `${CO}-2` });
    expect(other.publish?.changeOrderId).toBe(`${CO}-2`);
  });
});

describe('a namespace allowlist', () => {
  const policy = () => new Policy({ allowNamespaceIds: ['cn-hangzhou:prod'] });
  const appApi = (list: SaeAppApi['listApplications']) => ({ listApplications: list }) as SaeAppApi;

  it('finds the app in an allowed namespace through ListApplications, then aborts', async () => {
    const app = appApi(async (q) => ({
      requestId: 'RL',
      data: {
        currentPage: 1,
        pageSize: 100,
        totalSize: 1,
        applications:
          q?.namespaceId === 'cn-hangzhou:prod' ? [{ appId: APP, namespaceId: q.namespaceId }] : [],
      },
    }));
    const d = await core({ policy: policy(), app }).decide(f.req({ appId: APP, changeOrderId: CO }));
    expect(d.outcome.outcome).toBe('aborted');
    expect(d.outcome.sae.map((c) => c.action)).toEqual([
      'ListApplications',
      'DescribeChangeOrder',
      'AbortAndRollbackChangeOrder',
    ]);
  });

  it('without the app API to look the namespace up: refused by the allowlist, not an error', async () => {
    const d = await core({ policy: policy() }).decide(f.req({ appId: APP }));
    expect(d.outcome.outcome).toBe('refused');
    expect(d.outcome.summary).toBe(
      `Refused to roll back app ${APP}: the rollback policy (allowlist) does not allow it.`,
    );
    expect(f.sae.calls).toEqual([]);
  });

  it('an SAE error looking the namespace up: says so, retryable, nothing aborted', async () => {
    const app = appApi(async () => {
      throw new SaeError('ListApplications: ServiceUnavailable', {
        action: 'ListApplications',
        kind: SaeErrorKind.Retryable,
        code: 'ServiceUnavailable',
        httpStatus: 503,
      });
    });
    const d = await core({ policy: policy(), app }).decide(f.req({ appId: APP }));
    expect(d.outcome).toMatchObject({ outcome: 'failed-retryable', retryable: true });
    expect(d.outcome.summary).toBe(
      `SAE could not handle looking up the namespace of app ${APP} right now: ServiceUnavailable (HTTP 503); will retry.`,
    );
    expect(d.publish).toBe(d.outcome);
    expect(f.sae.calls).toEqual([]);
  });

  it('anything else failing there is the unexpected error the core answers "retry" to', async () => {
    const app = appApi(async () => {
      throw new Error('store down');
    });
    const d = await core({ policy: policy(), app }).decide(f.req({ appId: APP }));
    expect(d.outcome.summary).toBe(
      `Could not handle app ${APP}: unexpected error (is the idempotency store reachable?); will retry.`,
    );
  });
});

describe('evidence older than the limit', () => {
  const old = () => ({
    source: 'alertmanager',
    name: '5xx',
    firedAt: new Date(f.clock.now() - 3_600_000).toISOString(),
  });

  it.each([
    ['the change order', { changeOrderId: CO }, CO],
    ['the app', { appId: APP }, `app:${APP}`],
    ['neither', {}, 'app:-'],
  ])('naming %s: refused before any SAE call, kept under that evidence', async (_w, named, target) => {
    const req: Partial<RollbackRequest> = named;
    const alarm = old();
    const d = await core().decide(f.req({ ...req, alarm }));
    expect(d.outcome.outcome).toBe('refused');
    expect(d.outcome.summary).toMatch(/^Nothing done: the alarm began 1 h/);
    expect(d.outcome.changeOrderId).toBe(req.changeOrderId);
    const key = `sae-rollback:evidence:${target}:alertmanager|5xx|${alarm.firedAt}`;
    expect((await f.store.get(key))?.outcome.outcome).toBe('refused');
    expect(f.sae.calls).toEqual([]);
  });
});
