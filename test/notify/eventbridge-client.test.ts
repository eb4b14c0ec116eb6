import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { cloudEventSchema } from '../../emulators/eventbridge/cloudevent.js';
import { type EventBridgeEmulator, startEventBridgeEmulator } from '../../emulators/eventbridge/index.js';
import { NotifyError } from '../../lib/notify/errors.js';
import { EventBridgeClient, MAX_EVENTS_PER_PUT } from '../../lib/notify/eventbridge-client.js';
import { outcomeSubject } from '../../lib/notify/eventbridge-envelope.js';
import { EventBridgeNotifier } from '../../lib/notify/eventbridge-notifier.js';
import { OUTCOMES, type Outcome, outcomeSchema } from '../../lib/rollback/outcome.js';
import { makeOutcome } from '../helpers/outcome.js';

const STS = {
  accessKeyId: 'STS.ebClientKey',
  accessKeySecret: 'eb-client-secret-0123',
  securityToken: 'eb-client-sts-token',
};
const BUS = 'sae-rollback';
const ACCOUNT = '1234567890123456';

/** One outcome of each kind, with the fields that kind carries. */
function outcomeOf(kind: Outcome['outcome'], i: number): Outcome {
  const co = `ba386059-69b1-4e65-b1e5-0682d9fa${String(i).padStart(4, '0')}`;
  const extra: Partial<Outcome> =
    kind === 'duplicate'
      ? { original: { outcome: 'aborted', at: '2026-11-29T03:00:00.412Z' } }
      : kind === 'suppressed'
        ? { valve: 'cool-down', reason: 'rolled back 4 minutes ago' }
        : kind === 'rolled-back-application'
          ? { versions: { from: 'v43', to: 'v42' } }
          : kind === 'dry-run'
            ? { dryRun: true }
            : kind === 'failed-retryable'
              ? { retryable: true, reason: 'Throttling.User' }
              : kind === 'rejected-input'
                ? { reason: 'appId is not an ID', changeOrderId: undefined, appId: undefined }
                : {};
  const o = makeOutcome({ outcome: kind, messageId: `sr-${kind}-${i}`, changeOrderId: co, ...extra });
  // exactOptionalPropertyTypes: an outcome without an ID has no key at all.
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Outcome;
}

describe('EventBridgeClient against the emulator', () => {
  let eb: EventBridgeEmulator;
  let client: EventBridgeClient;
  const clientFor = (overrides: Partial<ConstructorParameters<typeof EventBridgeClient>[0]> = {}) =>
    new EventBridgeClient({
      endpoint: eb.url,
      credentials: () => STS,
      bus: BUS,
      region: 'cn-hangzhou',
      accountId: ACCOUNT,
      timeoutMs: 1000,
      ...overrides,
    });

  beforeAll(async () => {
    eb = await startEventBridgeEmulator({ credentials: [STS], buses: [BUS] });
    client = clientFor();
  });
  afterAll(() => eb.close());
  beforeEach(() => eb.reset());

  it('publishes one outcome of every kind in a valid CloudEvents envelope, batched', async () => {
    const outcomes = OUTCOMES.map(outcomeOf);

    const results = await client.publishBatch(outcomes);

    expect(results.map((r) => r.ok)).toEqual(outcomes.map(() => true));
    expect(eb.requests).toHaveLength(Math.ceil(OUTCOMES.length / MAX_EVENTS_PER_PUT));
    const stored = eb.events(BUS);
    expect(stored.map((s) => s.event.type)).toEqual(OUTCOMES.map((k) => `sae-rollback:Outcome:${k}`));
    for (const [i, s] of stored.entries()) {
      const sent = outcomes[i] as Outcome;
      expect(cloudEventSchema.safeParse(s.event).success).toBe(true);
      expect(outcomeSchema.parse(s.event.data)).toEqual(sent);
      expect(s.event).toMatchObject({
        specversion: '1.0',
        id: sent.messageId,
        source: 'sae-rollback',
        time: sent.decidedAt,
        datacontenttype: 'application/json',
      });
    }
    expect(stored.find((s) => s.event.type.endsWith(':aborted'))?.event.subject).toBe(
      `acs:sae:cn-hangzhou:${ACCOUNT}:app/0099b7be-5f5b-4512-a7fc-56049ef11234/changeorder/ba386059-69b1-4e65-b1e5-0682d9fa0000`,
    );
    expect(stored.find((s) => s.event.type.endsWith(':rejected-input'))?.event.subject).toBeUndefined();
  });

  it('names what the outcome is about in the subject, leaving out what is unknown', () => {
    const o = makeOutcome();
    expect(outcomeSubject({ ...o, appId: 'bad id/../x' }, 'cn-beijing')).toBe(
      `acs:sae:cn-beijing::changeorder/${o.changeOrderId}`,
    );
  });

  it('gives each outcome of a partly failed batch its own verdict, retryable per ErrorCode', async () => {
    const [a, b, c] = [outcomeOf('aborted', 1), outcomeOf('refused', 2), outcomeOf('aborted', 3)];

    const results = await clientFor({ bus: 'no-such-bus' }).publishBatch([a]);
    eb.injectFault({ kind: 'entry-error', code: 'Throttling.User', times: 1 });
    const mixed = await client.publishBatch([b, c]);

    expect(results[0]).toMatchObject({ ok: false, error: { code: 'EventBusNotExist', retryable: false } });
    expect(mixed[0]).toMatchObject({
      ok: false,
      error: { code: 'Throttling.User', retryable: true, channel: 'eventbridge' },
    });
    expect(mixed[1]).toMatchObject({ ok: true, eventId: c.messageId });
    expect(eb.events().map((e) => e.event.id)).toEqual([c.messageId]);
  });

  it.each([
    [{ kind: 'status', status: 503 } as const, 503, true],
    [{ kind: 'error', status: 429, code: 'TooManyRequests' } as const, 429, true],
    [{ kind: 'error', status: 403, code: 'AccessDenied' } as const, 403, false],
  ])('classifies request failure %j', async (fault, status, retryable) => {
    eb.injectFault(fault);
    const [r] = await client.publishBatch([outcomeOf('aborted', 1)]);
    expect(r?.ok).toBe(false);
    const error = r?.ok === false ? r.error : undefined;
    expect(error).toBeInstanceOf(NotifyError);
    expect(error).toMatchObject({ httpStatus: status, retryable, channel: 'eventbridge' });
  });

  it('treats resets and timeouts as retryable network trouble', async () => {
    eb.injectFault({ kind: 'reset' });
    const [reset] = await client.publishBatch([outcomeOf('aborted', 1)]);
    eb.injectFault({ kind: 'latency', ms: 400 });
    const [slow] = await clientFor({ timeoutMs: 100 }).publishBatch([outcomeOf('aborted', 2)]);
    expect(reset).toMatchObject({ ok: false, error: { kind: 'network', retryable: true } });
    expect(slow).toMatchObject({ ok: false, error: { kind: 'timeout', retryable: true } });
  });

  it('is refused (permanently) with a wrong secret, and never puts secrets in errors', async () => {
    const wrong = { ...STS, accessKeySecret: 'the-wrong-secret-0123' };
    const notifier = new EventBridgeNotifier({ client: clientFor({ credentials: () => wrong }) });

    const error = await notifier.publish(outcomeOf('aborted', 1)).catch((e: unknown) => e);

    expect(error).toMatchObject({ code: 'SignatureDoesNotMatch', httpStatus: 403, retryable: false });
    const text = `${(error as Error).message} ${JSON.stringify(error)}`;
    for (const s of [wrong.accessKeySecret, STS.securityToken]) expect(text).not.toContain(s);
    expect(eb.events()).toHaveLength(0);
  });

  it('reports a failing credentials provider as retryable, without echoing it', async () => {
    const failing = clientFor({
      credentials: () => Promise.reject(new Error(`leaked ${STS.accessKeySecret}`)),
    });
    const [r] = await failing.publishBatch([outcomeOf('aborted', 1)]);
    expect(r).toMatchObject({ ok: false, error: { kind: 'credentials', retryable: true } });
    expect(r?.ok === false && r.error.message).not.toContain(STS.accessKeySecret);
  });

  it('publishes one outcome through the Notifier port and returns the event ID', async () => {
    const notifier = new EventBridgeNotifier({ client });
    const o = outcomeOf('aborted', 7);
    await expect(notifier.publish(o)).resolves.toEqual({ messageId: o.messageId });
    expect(notifier.channel).toBe('eventbridge');
  });

  it('refuses a bad configuration before sending anything', () => {
    expect(() => clientFor({ endpoint: 'http://example.com' })).toThrow(/https/);
    expect(() => clientFor({ endpoint: `${eb.url}/openapi` })).toThrow(/origin/);
    expect(() => clientFor({ bus: 'no spaces' })).toThrow(/bus/);
  });
});
