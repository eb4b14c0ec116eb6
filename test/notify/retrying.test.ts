import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type DingTalkEmulator, startDingTalkEmulator } from '../../emulators/dingtalk/index.js';
import { startWebhookEmulator, type WebhookEmulator } from '../../emulators/webhook/index.js';
import { ManualClock } from '../../lib/clock.js';
import { DingTalkNotifier } from '../../lib/notify/dingtalk.js';
import { NotifyError } from '../../lib/notify/errors.js';
import type { Notifier } from '../../lib/notify/notifier.js';
import { RetryingNotifier } from '../../lib/notify/retrying.js';
import { WebhookNotifier } from '../../lib/notify/webhook.js';
import type { Outcome } from '../../lib/rollback/outcome.js';
import { publishAll } from '../../lib/rollback/process.js';
import { makeOutcome, TRICKY_ALARM_NAME } from '../helpers/outcome.js';

const failure = (retryable: boolean) =>
  new NotifyError(retryable ? 'busy' : 'refused', {
    channel: 'webhook',
    kind: 'http',
    httpStatus: 503,
    retryable,
  });

/** A notifier that fails with the given errors first, then succeeds; counts its attempts. */
function scripted(errors: unknown[]): Notifier & { attempts: number } {
  const queue = [...errors];
  return {
    channel: 'webhook',
    attempts: 0,
    async publish(outcome: Outcome) {
      this.attempts += 1;
      const next = queue.shift();
      if (next !== undefined) throw next;
      return { messageId: outcome.messageId };
    },
  };
}

describe('RetryingNotifier', () => {
  const clock = new ManualClock();
  const sleeps: number[] = [];
  const sleep = async (ms: number) => {
    sleeps.push(ms);
    clock.advance(ms);
  };
  afterEach(() => {
    sleeps.length = 0;
  });

  it('retries retryable failures with full-jitter exponential backoff, then succeeds', async () => {
    const inner = scripted([failure(true), failure(true), failure(true)]);
    const retrying = new RetryingNotifier(inner, {
      attempts: 4,
      baseDelayMs: 100,
      maxDelayMs: 250,
      random: () => 0.5,
      sleep,
      clock,
    });
    expect(await retrying.publish(makeOutcome())).toEqual({ messageId: makeOutcome().messageId });
    expect(inner.attempts).toBe(4);
    // Caps 100, 200, then 250 (maxDelayMs), each scaled by random() = 0.5.
    expect(sleeps).toEqual([50, 100, 125]);
  });

  it('draws each delay uniformly below the cap (full jitter)', () => {
    const at = (random: number) =>
      new RetryingNotifier(scripted([]), {
        baseDelayMs: 200,
        maxDelayMs: 10_000,
        random: () => random,
      }).backoffMs(3);
    expect(at(0)).toBe(0);
    expect(at(0.999_999)).toBe(799);
  });

  it('gives up after the configured attempts and rethrows the last error unchanged', async () => {
    const last = failure(true);
    const inner = scripted([failure(true), failure(true), last]);
    const err = await new RetryingNotifier(inner, { attempts: 3, sleep, clock })
      .publish(makeOutcome())
      .catch((e) => e);
    expect(err).toBe(last);
    expect(inner.attempts).toBe(3);
  });

  it('never retries a permanent failure or an error that is not a NotifyError', async () => {
    const permanent = scripted([failure(false)]);
    await expect(new RetryingNotifier(permanent, { sleep, clock }).publish(makeOutcome())).rejects.toThrow(
      'refused',
    );
    expect(permanent.attempts).toBe(1);
    const bug = scripted([new TypeError('bug')]);
    await expect(new RetryingNotifier(bug, { sleep, clock }).publish(makeOutcome())).rejects.toThrow(
      TypeError,
    );
    expect(bug.attempts).toBe(1);
    expect(sleeps).toEqual([]);
  });

  it('never sleeps past the deadline: it gives up instead', async () => {
    const inner = scripted([failure(true), failure(true), failure(true)]);
    const deadline = clock.now() + 150;
    const err = await new RetryingNotifier(inner, {
      attempts: 5,
      baseDelayMs: 100,
      maxDelayMs: 1000,
      random: () => 0.9,
      deadline,
      sleep,
      clock,
    })
      .publish(makeOutcome())
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NotifyError);
    // Slept 90 (ends at +90 < +150); the next draw, 180, would end at +270: not slept.
    expect(sleeps).toEqual([90]);
    expect(clock.now()).toBeLessThanOrEqual(deadline);
    expect(inner.attempts).toBe(2);
  });

  it('reads a deadline function on every publish (e.g. the FC invocation deadline)', async () => {
    let deadline: number | undefined = clock.now();
    const retrying = new RetryingNotifier(scripted([failure(true), failure(true)]), {
      deadline: () => deadline,
      random: () => 0.5,
      sleep,
      clock,
    });
    await expect(retrying.publish(makeOutcome())).rejects.toThrow('busy');
    deadline = undefined;
    await expect(retrying.publish(makeOutcome())).resolves.toBeDefined();
  });

  it('validates its options', () => {
    expect(() => new RetryingNotifier(scripted([]), { attempts: 0 })).toThrow(/attempts/);
    expect(() => new RetryingNotifier(scripted([]), { baseDelayMs: -1 })).toThrow(/baseDelayMs/);
  });
});

describe('RetryingNotifier over the real channels', () => {
  const TOKEN = 'dt-retry-token-000000000000';
  const DT_SECRET = 'SEC-retry-secret-00000000000000';
  const WH_SECRET = 'whsec-retry-000000000000000000';
  const clock = new ManualClock();
  let robot: DingTalkEmulator;
  let hook: WebhookEmulator;
  const noWait = { sleep: async () => {}, clock };
  const webhook = () => new WebhookNotifier({ url: `${hook.url}/hook`, secret: WH_SECRET, clock });
  const dingtalk = () =>
    new DingTalkNotifier({ accessToken: TOKEN, secret: DT_SECRET, endpoint: robot.url, clock });

  beforeAll(async () => {
    robot = await startDingTalkEmulator({ clock, robots: [{ accessToken: TOKEN, secret: DT_SECRET }] });
    hook = await startWebhookEmulator({ clock, secrets: [WH_SECRET] });
  });
  afterEach(() => {
    robot.reset();
    hook.reset();
  });
  afterAll(async () => {
    await robot.close();
    await hook.close();
  });

  it('webhook: a 503 once, then delivered on the second attempt; the receiver stored exactly one', async () => {
    hook.injectFault({ kind: 'status', status: 503 });
    await new RetryingNotifier(webhook(), noWait).publish(makeOutcome());
    expect(hook.requests.map((r) => r.status)).toEqual([503, 200]);
    expect(hook.deliveries()).toHaveLength(1);
    expect(hook.deliveries()[0]?.outcome.alarm?.name).toBe(TRICKY_ALARM_NAME);
  });

  it('dingtalk: "send too fast" once, then delivered on the second attempt; one message in the group', async () => {
    robot.injectFault({ kind: 'errcode', errcode: 130101, errmsg: 'send too fast' });
    await new RetryingNotifier(dingtalk(), noWait).publish(makeOutcome());
    expect(robot.requests.map((r) => r.errcode)).toEqual([130101, 0]);
    expect(robot.messages()).toHaveLength(1);
    expect(robot.messages()[0]?.text).toContain(TRICKY_ALARM_NAME);
  });

  it('a permanent 4xx is not retried: one request, nothing stored', async () => {
    hook.injectFault({ kind: 'status', status: 400, times: 5 });
    await expect(new RetryingNotifier(webhook(), noWait).publish(makeOutcome())).rejects.toMatchObject({
      httpStatus: 400,
      retryable: false,
    });
    expect(hook.requests).toHaveLength(1);
    expect(hook.deliveries()).toEqual([]);
  });

  it('one channel backing off never holds up another', async () => {
    robot.injectFault({ kind: 'status', status: 503 });
    let release = (): void => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const slowDingTalk = new RetryingNotifier(dingtalk(), { sleep: () => gate, clock });
    const pending = publishAll([slowDingTalk, new RetryingNotifier(webhook(), noWait)], makeOutcome());
    // The DingTalk channel is parked in its backoff; the webhook delivery is already stored.
    await expect.poll(() => hook.deliveries().length).toBe(1);
    expect(robot.messages()).toEqual([]);
    release();
    const results = await pending;
    expect(results.map((r) => [r.channel, r.ok])).toEqual([
      ['dingtalk', true],
      ['webhook', true],
    ]);
    expect(robot.messages()).toHaveLength(1);
  });
});
