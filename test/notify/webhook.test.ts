import { createHmac } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startWebhookEmulator, type WebhookEmulator } from '../../emulators/webhook/index.js';
import { ManualClock } from '../../lib/clock.js';
import { memoryLogger } from '../../lib/log.js';
import { NotifyError } from '../../lib/notify/errors.js';
import { verifyWebhookSignature, WebhookNotifier, webhookSignature } from '../../lib/notify/webhook.js';
import { makeOutcome, TRICKY_ALARM_NAME } from '../helpers/outcome.js';

const SECRET = 'whsec-test-5b8e1d4a7c0f3e6b9d2a5c8f1e4b7d0a';
const PATH_TOKEN = 'hook-path-token-9f8e7d6c5b4a';
const NOW = Date.parse('2026-11-29T03:00:00Z');

describe('verifyWebhookSignature', () => {
  const body = JSON.stringify(makeOutcome());
  const timestamp = String(NOW / 1000);
  const signature = `v1=${webhookSignature(SECRET, timestamp, body)}`;
  const base = { secret: SECRET, timestamp, signature, body, now: NOW };

  it('accepts what the sender signs, as a string or as raw bytes', () => {
    expect(verifyWebhookSignature(base)).toEqual({ ok: true, timestamp: NOW / 1000 });
    expect(verifyWebhookSignature({ ...base, body: Buffer.from(body, 'utf8') }).ok).toBe(true);
  });

  it('is hex HMAC-SHA256(secret, "<timestamp>.<body>")', () => {
    const expected = createHmac('sha256', 'key').update('1700000000.{"a":"回滚"}').digest('hex');
    expect(webhookSignature('key', '1700000000', '{"a":"回滚"}')).toBe(expected);
    expect(webhookSignature('key', 1700000000, Buffer.from('{"a":"回滚"}'))).toBe(expected);
  });

  it('refuses a tampered signature, a tampered body and a tampered timestamp', () => {
    const flipped = signature.replace(/.$/, (c) => (c === '0' ? '1' : '0'));
    expect(verifyWebhookSignature({ ...base, signature: flipped })).toEqual({
      ok: false,
      reason: 'mismatch',
    });
    expect(verifyWebhookSignature({ ...base, body: body.replace('aborted', 'duplicate') })).toEqual({
      ok: false,
      reason: 'mismatch',
    });
    expect(verifyWebhookSignature({ ...base, timestamp: String(NOW / 1000 + 1) })).toEqual({
      ok: false,
      reason: 'mismatch',
    });
  });

  it('refuses timestamps outside the tolerance, either way, and accepts the edge', () => {
    const at = (offsetSec: number) => verifyWebhookSignature({ ...base, now: NOW + offsetSec * 1000 });
    expect(at(301)).toEqual({ ok: false, reason: 'expired' });
    expect(at(-301)).toEqual({ ok: false, reason: 'expired' });
    expect(at(300).ok).toBe(true);
    expect(verifyWebhookSignature({ ...base, now: NOW + 61_000, toleranceSec: 60 })).toEqual({
      ok: false,
      reason: 'expired',
    });
  });

  it('refuses missing and malformed headers', () => {
    expect(verifyWebhookSignature({ ...base, signature: undefined })).toEqual({
      ok: false,
      reason: 'missing-header',
    });
    expect(verifyWebhookSignature({ ...base, timestamp: '17e8' })).toEqual({
      ok: false,
      reason: 'malformed-timestamp',
    });
    expect(verifyWebhookSignature({ ...base, signature: signature.slice(3) })).toEqual({
      ok: false,
      reason: 'malformed-signature',
    });
  });

  it('supports secret rotation on either side', () => {
    expect(verifyWebhookSignature({ ...base, secret: ['whsec-new-secret-000000000000', SECRET] }).ok).toBe(
      true,
    );
    const both = `v1=${webhookSignature('whsec-new-secret-000000000000', timestamp, body)},${signature}`;
    expect(verifyWebhookSignature({ ...base, signature: both }).ok).toBe(true);
  });
});

describe('WebhookNotifier against the local receiver', () => {
  const clock = new ManualClock(NOW);
  let receiver: WebhookEmulator;
  const hookUrl = () => `${receiver.url}/hooks/${PATH_TOKEN}`;
  const notifier = (opts: Partial<ConstructorParameters<typeof WebhookNotifier>[0]> = {}) =>
    new WebhookNotifier({ url: hookUrl(), secret: SECRET, clock, ...opts });

  async function publishError(n: WebhookNotifier): Promise<NotifyError> {
    const err = await n.publish(makeOutcome()).then(
      () => undefined,
      (e: unknown) => e,
    );
    if (!(err instanceof NotifyError)) throw new Error(`expected a NotifyError, got ${String(err)}`);
    for (const text of [err.message, JSON.stringify(err), String(err.stack)]) {
      expect(text).not.toContain(SECRET);
      expect(text).not.toContain(PATH_TOKEN);
    }
    return err;
  }

  beforeAll(async () => {
    receiver = await startWebhookEmulator({ clock, secrets: [SECRET] });
  });
  afterEach(() => receiver.reset());
  afterAll(() => receiver.close());

  it('delivers the outcome document exactly, signed, with timestamp and message ID headers', async () => {
    const outcome = makeOutcome();
    expect(await notifier().publish(outcome)).toEqual({ messageId: outcome.messageId });
    const [delivery, ...rest] = receiver.deliveries();
    expect(rest).toEqual([]);
    expect(delivery?.body).toBe(JSON.stringify(outcome));
    expect(JSON.parse(delivery?.body ?? 'null')).toEqual(outcome);
    expect(delivery?.outcome.alarm?.name).toBe(TRICKY_ALARM_NAME);
    expect(delivery?.path).toBe(`/hooks/${PATH_TOKEN}`);
    expect(delivery?.headers).toEqual({
      contentType: 'application/json',
      timestamp: String(NOW / 1000),
      signature: `v1=${webhookSignature(SECRET, String(NOW / 1000), JSON.stringify(outcome))}`,
      messageId: outcome.messageId,
    });
  });

  it('is refused (401, permanent) when signed with another secret; nothing stored', async () => {
    const err = await publishError(notifier({ secret: 'whsec-someone-else-000000000000' }));
    expect(err).toMatchObject({ channel: 'webhook', kind: 'http', httpStatus: 401, retryable: false });
    expect(receiver.deliveries()).toEqual([]);
    expect(receiver.requests).toEqual([
      { method: 'POST', path: `/hooks/${PATH_TOKEN}`, status: 401, error: 'mismatch', signatureValid: false },
    ]);
  });

  it('is refused (401) when the sender clock is more than 5 minutes off', async () => {
    const err = await publishError(notifier({ clock: new ManualClock(NOW - 301_000) }));
    expect(err).toMatchObject({ httpStatus: 401, retryable: false });
    expect(receiver.requests[0]?.error).toBe('expired');
  });

  it('a replay of an accepted delivery is refused (409); a fresh signature of the same outcome is accepted', async () => {
    await notifier().publish(makeOutcome());
    const [first] = receiver.deliveries();
    if (first === undefined) throw new Error('no delivery');
    const replay = await fetch(hookUrl(), {
      method: 'POST',
      headers: {
        'content-type': first.headers.contentType,
        'x-sae-rollback-timestamp': first.headers.timestamp,
        'x-sae-rollback-signature': first.headers.signature,
        'x-sae-rollback-message-id': first.headers.messageId,
      },
      body: first.body,
    });
    expect(replay.status).toBe(409);
    clock.advance(1000);
    await notifier().publish(makeOutcome());
    const deliveries = receiver.deliveries();
    expect(deliveries).toHaveLength(2);
    // Same message ID both times: that is what consumers deduplicate on.
    expect(new Set(deliveries.map((d) => d.headers.messageId)).size).toBe(1);
  });

  it.each([
    [503, true],
    [502, true],
    [429, true],
    [408, true],
    [400, false],
    [404, false],
    [410, false],
  ])('classifies HTTP %i as retryable=%s', async (status, retryable) => {
    receiver.injectFault({ kind: 'status', status });
    const err = await publishError(notifier());
    expect(err).toMatchObject({ kind: 'http', httpStatus: status, retryable });
    expect(err.message).toBe(`webhook delivery to ${receiver.url} failed: HTTP ${status}`);
  });

  it('times out (retryable) when the receiver is slower than the deadline', async () => {
    receiver.injectFault({ kind: 'latency', ms: 1000 });
    const err = await publishError(notifier({ timeoutMs: 100 }));
    expect(err).toMatchObject({ kind: 'timeout', retryable: true });
  });

  it('reports a reset and a refused connection as retryable network errors', async () => {
    receiver.injectFault({ kind: 'reset' });
    expect(await publishError(notifier())).toMatchObject({ kind: 'network', retryable: true });
    const closed = await startWebhookEmulator({ secrets: [SECRET] });
    await closed.close();
    const err = await publishError(notifier({ url: `${closed.url}/hooks/${PATH_TOKEN}` }));
    expect(err).toMatchObject({ kind: 'network', code: 'Client.NetworkError', retryable: true });
  });

  it('keeps the secret and a token-bearing URL out of the logs', () => {
    notifier();
    const logger = memoryLogger();
    logger.info('configured', { hook: hookUrl(), note: `signing with ${SECRET}` });
    expect(logger.lines.join('\n')).not.toContain(SECRET);
    expect(logger.lines.join('\n')).not.toContain(PATH_TOKEN);
  });

  it('refuses bad configuration without echoing it', () => {
    expect(() => notifier({ secret: 'short' })).toThrow(/at least 16 characters/);
    expect(() => notifier({ url: 'http://example.com/hook' })).toThrow(/https/);
    expect(() => notifier({ url: `https://user:${SECRET}@example.com/` })).toThrow(/credentials/);
  });
});
