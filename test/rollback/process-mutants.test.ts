// What publishAll hands each channel and what it reports back per channel: the deadline passed on
// only when there is one, the error text an SRE reads, and retry-vs-acknowledge from `retryable`.
import { describe, expect, it, vi } from 'vitest';
import { startMnsEmulator } from '../../emulators/mns/index.js';
import { ManualClock } from '../../lib/clock.js';
import { MemoryStore } from '../../lib/idempotency/memory-store.js';
import { changeOrderKey } from '../../lib/idempotency/store.js';
import { memoryLogger } from '../../lib/log.js';
import { MnsTopicClient } from '../../lib/notify/mns-client.js';
import { MnsNotifier } from '../../lib/notify/mns-notifier.js';
import type { Notifier } from '../../lib/notify/notifier.js';
import { RollbackCore } from '../../lib/rollback/core.js';
import type { Outcome } from '../../lib/rollback/outcome.js';
import { processRequest, publishAll, publishingLease } from '../../lib/rollback/process.js';
import type { RollbackRequest } from '../../lib/rollback/types.js';
import { FakeSae } from '../helpers/fake-sae.js';
import { newAppId, startGuardStack } from '../helpers/guard-stack.js';
import { makeOutcome } from '../helpers/outcome.js';

/** A channel that records what it was asked to send and answers as told. */
function channel(name: string, answer: () => Promise<{ messageId: string }>) {
  const seen: unknown[] = [];
  const n: Notifier = {
    channel: name,
    publish: (_o, opts) => {
      seen.push(opts);
      return answer();
    },
  };
  return { n, seen };
}

describe('publishAll', () => {
  it('passes the deadline to each channel only when the invocation has one', async () => {
    const a = channel('mns', async () => ({ messageId: 'm-1' }));
    await publishAll([a.n], makeOutcome());
    await publishAll([a.n], makeOutcome(), 12_345);
    expect(a.seen).toEqual([{}, { deadline: 12_345 }]);
  });

  it("reports the channel's error message, or the thrown value itself when it has none", async () => {
    const withMessage = channel('mns', () => Promise.reject(new Error('topic gone')));
    const bare = channel('webhook', () => Promise.reject('socket hang up'));
    const ok = channel('dingtalk', async () => ({ messageId: 'd-1' }));

    const pubs = await publishAll([withMessage.n, bare.n, ok.n], makeOutcome());

    expect(pubs).toEqual([
      { channel: 'mns', ok: false, error: 'topic gone', retryable: true },
      { channel: 'webhook', ok: false, error: 'socket hang up', retryable: true },
      { channel: 'dingtalk', ok: true, messageId: 'd-1' },
    ]);
  });

  it("names the channel's error code, so the audit line tells a timed-out publish (maybe stored) from a refused one", async () => {
    const creds = { accessKeyId: 'LTAI-procm', accessKeySecret: 'procm-secret' };
    const emu = await startMnsEmulator({ credentials: [creds], topics: ['outcomes'] });
    try {
      const mns = (topic: string) =>
        new MnsNotifier({
          client: new MnsTopicClient({ endpoint: emu.url, credentials: () => creds, timeoutMs: 150 }),
          topic,
        });
      emu.injectFault({ kind: 'latency', ms: 400, times: 1 });
      const [slow] = await publishAll([mns('outcomes')], makeOutcome());
      const [gone] = await publishAll([mns('no-such-topic')], makeOutcome());
      const [plain] = await publishAll(
        [channel('x', () => Promise.reject(new Error('bare'))).n],
        makeOutcome(),
      );
      expect(slow).toMatchObject({ channel: 'mns', ok: false, code: 'Client.Timeout', retryable: true });
      expect(gone).toMatchObject({ channel: 'mns', ok: false, code: 'TopicNotExist', retryable: false });
      expect(plain).toStrictEqual({ channel: 'x', ok: false, error: 'bare', retryable: true });
      // The timed-out publish is stored all the same, once the latency has passed: why its code matters.
      await vi.waitFor(() => expect(emu.messages('outcomes')).toHaveLength(1));
      expect(emu.requests.map((r) => r.status)).toEqual([404, 201]);
    } finally {
      await emu.close();
    }
  });

  it('a channel saying retryable: false is acknowledged, true or a non-boolean is retried', async () => {
    const fail = (retryable: unknown) => () => Promise.reject(Object.assign(new Error('x'), { retryable }));
    const pubs = await publishAll(
      [channel('a', fail(false)).n, channel('b', fail(true)).n, channel('c', fail('no')).n],
      makeOutcome(),
    );
    expect(pubs.map((p) => [p.channel, p.retryable])).toEqual([
      ['a', false],
      ['b', true],
      ['c', true],
    ]);
  });
});

describe('processRequest: what is published, how long the publishing lease holds, the audit line', () => {
  const APP = 'app-procm-0000-0000-0000-000000000001';
  const CO = 'co-procm-1';

  function setup(over: { notifyDuplicates?: boolean } = {}) {
    const clock = new ManualClock();
    const store = new MemoryStore({ clock });
    const sae = new FakeSae();
    sae.addChangeOrder({ changeOrderId: CO, appId: APP, appName: 'checkout', status: 1 });
    const core = new RollbackCore({ sae, store, clock });
    const logger = memoryLogger('debug');
    const sent: Outcome[] = [];
    const mns: Notifier = {
      channel: 'mns',
      publish: async (o) => {
        sent.push(o);
        return { messageId: `m-${sent.length}` };
      },
    };
    const deps = { core, store, logger, notifiers: [mns], ...over };
    const req: RollbackRequest = { changeOrderId: CO, alarm: { source: 'test' }, receivedAt: clock.now() };
    return { clock, store, sae, deps, sent, logger, req };
  }

  /** A channel that, while it publishes, looks whether another holder could take the publishing lease. */
  function probing(f: ReturnType<typeof setup>, afterMs: number) {
    const taken: boolean[] = [];
    const n: Notifier = {
      channel: 'mns',
      publish: async () => {
        f.clock.advance(afterMs);
        taken.push(await f.store.lease(publishingLease(changeOrderKey(CO)), 'someone-else', 1_000));
        return { messageId: 'm-probe' };
      },
    };
    return { n, taken };
  }

  it('without a deadline the publishing lease holds 31 s: taken at 30.5 s by no one else', async () => {
    const f = setup();
    const p = probing(f, 30_500);
    await processRequest({ ...f.deps, notifiers: [p.n] }, f.req, {});
    expect(p.taken).toEqual([false]);
  });

  it('without a deadline the publishing lease is free for others after 31 s', async () => {
    const f = setup();
    const p = probing(f, 31_500);
    await processRequest({ ...f.deps, notifiers: [p.n] }, f.req, {});
    expect(p.taken).toEqual([true]);
  });

  it('with a deadline 20 s ahead the lease holds until it (19.5 s held, 20.5 s free)', async () => {
    const held = setup();
    const a = probing(held, 19_500);
    await processRequest({ ...held.deps, notifiers: [a.n] }, held.req, { deadline: Date.now() + 20_000 });
    const free = setup();
    const b = probing(free, 20_500);
    await processRequest({ ...free.deps, notifiers: [b.n] }, free.req, { deadline: Date.now() + 20_000 });
    expect([a.taken, b.taken]).toEqual([[false], [true]]);
  });

  it('a duplicate is published only when NOTIFY_DUPLICATES is on', async () => {
    const off = setup();
    await processRequest(off.deps, off.req, {});
    const quiet = await processRequest(off.deps, off.req, {});
    const on = setup({ notifyDuplicates: true });
    await processRequest(on.deps, on.req, {});
    const loud = await processRequest(on.deps, on.req, {});

    expect(quiet).toMatchObject({ outcome: { outcome: 'duplicate' }, retry: false });
    expect(quiet.published).toBeUndefined();
    expect(off.sent.map((o) => o.outcome)).toEqual(['aborted']);
    expect(loud.published).toMatchObject({ outcome: 'duplicate', changeOrderId: CO });
    expect(on.sent.map((o) => o.outcome)).toEqual(['aborted', 'duplicate']);
  });

  it('writes one audit line per request, named for the metric, with a real duration', async () => {
    const f = setup();
    const res = await processRequest(f.deps, f.req, { fcRequestId: 'req-1' });

    expect(res).toMatchObject({ outcome: { outcome: 'aborted' }, retry: false });
    const lines = f.logger.lines.map((l) => JSON.parse(l)).filter((l) => l.msg === 'decision');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      metric: 'sae_rollback_decision',
      fcRequestId: 'req-1',
      outcome: 'aborted',
      changeOrderId: CO,
      appId: APP,
      publications: [{ channel: 'mns', ok: true, messageId: 'm-1' }],
    });
    expect(lines[0].durationMs).toBeGreaterThanOrEqual(0);
    expect(lines[0].durationMs).toBeLessThan(60_000);
    expect(lines[0]).not.toHaveProperty('valve');
  });

  it("a valve's refusal names the valve and its reason in the audit line", async () => {
    const s = await startGuardStack();
    try {
      const appId = newAppId('procm');
      s.sae.seedApp({ appId, appName: 'checkout', versions: ['v1', 'v2'] });
      const co1 = s.sae.startChangeOrder({ appId, toVersion: 'v3' });
      await s.alarm({ ChangeOrderId: co1 });
      const co2 = s.sae.startChangeOrder({ appId, toVersion: 'v4' });

      const res = await s.alarm({ ChangeOrderId: co2 });

      expect(res.outcomes[0]?.outcome).toBe('suppressed');
      const out = s.published().find((o) => o.changeOrderId === co2);
      expect(out?.valve).toBeTruthy();
      const line = s.logs
        .map((l) => JSON.parse(l))
        .find((l) => l.msg === 'decision' && l.changeOrderId === co2);
      expect(line).toMatchObject({ valve: out?.valve, reason: out?.reason });
      expect(line.reason).toBeTruthy();
    } finally {
      await s.close();
    }
  });
});
