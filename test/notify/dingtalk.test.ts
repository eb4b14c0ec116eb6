import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type DingTalkEmulator, startDingTalkEmulator } from '../../emulators/dingtalk/index.js';
import { ManualClock } from '../../lib/clock.js';
import { memoryLogger } from '../../lib/log.js';
import { DingTalkNotifier, dingTalkSign } from '../../lib/notify/dingtalk.js';
import { renderDingTalkMarkdown } from '../../lib/notify/dingtalk-markdown.js';
import { NotifyError } from '../../lib/notify/errors.js';
import { makeOutcome, TRICKY_ALARM_NAME } from '../helpers/outcome.js';

const TOKEN = 'dt-token-4f1c9a7e2b5d8c3a6e9f1b4d7a0c3e6f';
const SECRET = 'SECdingtalk-secret-8c1e5a9d3f7b2e6a0c4d8f2b6e0a4c8d';

async function publishError(notifier: DingTalkNotifier): Promise<NotifyError> {
  const err = await notifier.publish(makeOutcome()).then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(err instanceof NotifyError)) throw new Error(`expected a NotifyError, got ${String(err)}`);
  return err;
}

function expectNoCredentials(err: NotifyError): void {
  for (const text of [err.message, JSON.stringify(err), String(err.stack)]) {
    expect(text).not.toContain(TOKEN);
    expect(text).not.toContain(SECRET);
  }
}

describe('dingTalkSign', () => {
  it('matches an independently published vector (timestamp 1700000000000, secret "secret")', () => {
    expect(encodeURIComponent(dingTalkSign(1700000000000, 'secret'))).toBe(
      'OuzzJR5%2BxZ4%2FEYwqtNt6sMYZQMTa%2FHEGvc9miJe7XzY%3D',
    );
  });
});

describe('renderDingTalkMarkdown', () => {
  it('tells the whole story and keeps every value verbatim', () => {
    const outcome = makeOutcome();
    const { title, text } = renderDingTalkMarkdown(outcome);
    expect(title).toBe('sae-rollback: aborted · checkout');
    for (const value of [
      TRICKY_ALARM_NAME,
      outcome.summary,
      'checkout (0099b7be-5f5b-4512-a7fc-56049ef11234)',
      'ba386059-69b1-4e65-b1e5-0682d9fa1234 (status 1)',
      '**Alarm state:** ALERT',
      '**Alarm value:** 97.5',
      '**Metric:** acs_sae:cpu',
      'cloudmonitor (rule rule-7f3a)',
      '**SAE AbortAndRollbackChangeOrder:** request ID 7A3F1B2C-0000-4D6E-9F10-REQ000000002',
      `**Message ID:** ${outcome.messageId}`,
      `**Received:** ${outcome.receivedAt}`,
      `**Decided:** ${outcome.decidedAt}`,
    ]) {
      expect(text).toContain(value);
    }
    expect(text).toContain(`- **Alarm:** ${TRICKY_ALARM_NAME}\n`);
  });

  it('keeps values on their own line, so a value can never start a heading or a list', () => {
    const { text } = renderDingTalkMarkdown(
      makeOutcome({
        outcome: 'failed-permanent',
        retryable: false,
        reason: 'line one\n# not a heading\r\n- nor a list',
      }),
    );
    expect(text).toContain('**Reason:** line one # not a heading - nor a list');
    expect(text).toContain('**Retryable:** no');
    expect(text.split('\n').filter((l) => l.startsWith('#'))).toEqual([
      '#### ❌ sae-rollback: failed-permanent',
    ]);
  });

  it('shows severity, firing time and the safety valve when the outcome has them', () => {
    const { text } = renderDingTalkMarkdown({
      ...makeOutcome(),
      outcome: 'suppressed',
      valve: 'cool-down',
      alarm: {
        source: 'alertmanager',
        state: 'firing',
        severity: 'critical',
        firedAt: '2026-11-29T02:59:30Z',
      },
    });
    expect(text).toContain('#### 🛡️ sae-rollback: suppressed');
    expect(text).toContain('**Alarm state:** firing (severity critical)');
    expect(text).toContain('**Alarm fired:** 2026-11-29T02:59:30Z');
    expect(text).toContain('**Safety valve:** cool-down');
  });

  it("shows the alert's summary and description annotations", () => {
    const { text } = renderDingTalkMarkdown({
      ...makeOutcome(),
      alarm: {
        source: 'alertmanager',
        summary: 'checkout 5xx above 5 %',
        description: '9.1 % of requests\nfail',
      },
    });
    expect(text).toContain('- **Alarm summary:** checkout 5xx above 5 %');
    expect(text).toContain('- **Alarm description:** 9.1 % of requests fail');
  });

  it('leaves out what the outcome does not have', () => {
    const { title, text } = renderDingTalkMarkdown({
      schemaVersion: 1,
      outcome: 'rejected-input',
      summary: 'The event is not JSON',
      messageId: 'm-1',
      sae: [],
      retryable: false,
      receivedAt: '2026-11-29T03:00:00.000Z',
      decidedAt: '2026-11-29T03:00:00.001Z',
    });
    expect(title).toBe('sae-rollback: rejected-input');
    expect(text).not.toMatch(/App|Change order|Alarm|SAE/);
  });
});

describe('DingTalkNotifier against the local robot', () => {
  const clock = new ManualClock();
  let robot: DingTalkEmulator;
  const notifier = (opts: Partial<ConstructorParameters<typeof DingTalkNotifier>[0]> = {}) =>
    new DingTalkNotifier({ accessToken: TOKEN, secret: SECRET, endpoint: robot.sendUrl, clock, ...opts });

  beforeAll(async () => {
    robot = await startDingTalkEmulator({ clock, robots: [{ accessToken: TOKEN, secret: SECRET }] });
  });
  afterEach(() => robot.reset());
  afterAll(() => robot.close());

  it('delivers a signed markdown message whose text carries the alarm name unchanged', async () => {
    const outcome = makeOutcome();
    const res = await notifier().publish(outcome);
    expect(res).toEqual({ messageId: outcome.messageId });
    const [message, ...rest] = robot.messages(TOKEN);
    expect(rest).toEqual([]);
    expect(message).toMatchObject({
      msgtype: 'markdown',
      signed: true,
      title: 'sae-rollback: aborted · checkout',
    });
    expect(message?.text).toContain(TRICKY_ALARM_NAME);
    expect(message?.text).toBe(renderDingTalkMarkdown(outcome).text);
    expect(robot.requests).toEqual([
      { method: 'POST', path: '/robot/send', status: 200, errcode: 0, signatureValid: true },
    ]);
  });

  it('accepts a bare origin as the endpoint', async () => {
    await notifier({ endpoint: robot.url }).publish(makeOutcome());
    expect(robot.messages()).toHaveLength(1);
  });

  it('is refused (310000, permanent) when signed with the wrong secret; nothing is posted', async () => {
    const err = await publishError(notifier({ secret: `${SECRET}-old` }));
    expect(err).toMatchObject({ channel: 'dingtalk', code: '310000', httpStatus: 200, retryable: false });
    expect(err.message).toContain('sign not match');
    expect(robot.messages()).toEqual([]);
    expect(robot.requests[0]).toMatchObject({ errcode: 310000, signatureValid: false });
    expectNoCredentials(err);
  });

  it('is refused (310000 invalid timestamp) when its clock is more than an hour off', async () => {
    const skewed = new ManualClock(clock.now() - 60 * 60 * 1000 - 1);
    const err = await publishError(notifier({ clock: skewed }));
    expect(err).toMatchObject({ code: '310000', retryable: false });
    expect(err.message).toContain('invalid timestamp');
  });

  it('is refused (300001, permanent) for an unknown token', async () => {
    const err = await publishError(notifier({ accessToken: `${TOKEN}x` }));
    expect(err).toMatchObject({ code: '300001', retryable: false });
  });

  it.each([
    [
      { kind: 'errcode', errcode: 130101, errmsg: 'send too fast, exceed 20 times per minute' },
      '130101',
      true,
    ],
    [{ kind: 'errcode', errcode: 410100, errmsg: 'rate limited' }, '410100', true],
    [{ kind: 'errcode', errcode: 400102, errmsg: 'robot disabled' }, '400102', false],
  ] as const)('classifies errcode fault %o as retryable=%s', async (fault, code, retryable) => {
    robot.injectFault(fault);
    const err = await publishError(notifier());
    expect(err).toMatchObject({ kind: 'http', code, retryable });
  });

  it.each([
    [503, true],
    [429, true],
    [400, false],
    [404, false],
  ])('classifies HTTP %i as retryable=%s', async (status, retryable) => {
    robot.injectFault({ kind: 'status', status });
    const err = await publishError(notifier());
    expect(err).toMatchObject({ kind: 'http', httpStatus: status, retryable });
    expectNoCredentials(err);
  });

  it('times out (retryable) when the robot is slower than the deadline', async () => {
    robot.injectFault({ kind: 'latency', ms: 1000 });
    const err = await publishError(notifier({ timeoutMs: 100 }));
    expect(err).toMatchObject({ kind: 'timeout', code: 'Client.Timeout', retryable: true });
  });

  it('reports a connection reset as a retryable network error without credentials', async () => {
    robot.injectFault({ kind: 'reset' });
    const err = await publishError(notifier());
    expect(err).toMatchObject({ kind: 'network', retryable: true });
    expectNoCredentials(err);
  });

  it('registers the token and secret with the log redactor', () => {
    notifier();
    const logger = memoryLogger();
    logger.error('dingtalk failed', {
      url: `${robot.sendUrl}?access_token=${TOKEN}`,
      detail: `key ${SECRET}`,
    });
    expect(logger.lines.join('\n')).not.toContain(TOKEN);
    expect(logger.lines.join('\n')).not.toContain(SECRET);
  });

  it('refuses a pasted webhook URL as endpoint without echoing it', () => {
    let message = '';
    try {
      notifier({ endpoint: `https://oapi.dingtalk.com/robot/send?access_token=${TOKEN}` });
    } catch (e) {
      message = e instanceof Error ? e.message : String(e);
    }
    expect(message).toContain('must not have a query');
    expect(message).not.toContain(TOKEN);
    expect(() => notifier({ endpoint: 'http://example.com/robot/send' })).toThrow(/https/);
  });
});
