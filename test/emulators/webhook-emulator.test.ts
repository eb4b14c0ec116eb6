import { createHmac } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startWebhookEmulator, type WebhookEmulator } from '../../emulators/webhook/index.js';
import { ManualClock } from '../../lib/clock.js';
import { makeOutcome } from '../helpers/outcome.js';

const SECRET = 'whsec-emulator-0123456789abcdef';
const NOW = Date.parse('2026-11-29T03:00:00Z');

describe('webhook receiver emulator', () => {
  const clock = new ManualClock(NOW);
  let emu: WebhookEmulator;

  /** Signs by hand, independently of lib/notify/webhook.ts, then lets the caller break one thing. */
  async function deliver(
    opts: {
      body?: string;
      timestampSec?: number;
      secret?: string;
      headers?: Record<string, string | null>;
      tamper?: (signature: string) => string;
    } = {},
  ): Promise<{
    status: number;
    json: unknown;
    sent: { signature: string; timestamp: string; body: string };
  }> {
    const body = opts.body ?? JSON.stringify(makeOutcome());
    const timestamp = String(opts.timestampSec ?? Math.floor(clock.now() / 1000));
    const hex = createHmac('sha256', opts.secret ?? SECRET)
      .update(`${timestamp}.${body}`)
      .digest('hex');
    const signature = `v1=${opts.tamper ? opts.tamper(hex) : hex}`;
    const headers: Record<string, string> = {};
    const all: Record<string, string | null> = {
      'content-type': 'application/json',
      'x-sae-rollback-timestamp': timestamp,
      'x-sae-rollback-signature': signature,
      'x-sae-rollback-message-id': makeOutcome().messageId,
      ...opts.headers,
    };
    for (const [k, v] of Object.entries(all)) if (v !== null) headers[k] = v;
    const res = await fetch(`${emu.url}/hooks/outcomes`, { method: 'POST', headers, body });
    const text = await res.text();
    const json: unknown = res.headers.get('content-type')?.includes('json') ? JSON.parse(text) : text;
    return { status: res.status, json, sent: { signature, timestamp, body } };
  }

  beforeAll(async () => {
    emu = await startWebhookEmulator({ clock, secrets: [SECRET] });
  });
  afterEach(() => emu.reset());
  afterAll(() => emu.close());

  it('stores a correctly signed outcome with its headers', async () => {
    const { status, json, sent } = await deliver();
    expect({ status, json }).toEqual({ status: 200, json: { received: true } });
    expect(emu.deliveries()).toEqual([
      {
        path: '/hooks/outcomes',
        body: sent.body,
        outcome: makeOutcome(),
        headers: {
          contentType: 'application/json',
          timestamp: sent.timestamp,
          signature: sent.signature,
          messageId: makeOutcome().messageId,
        },
        receivedAt: NOW,
      },
    ]);
  });

  it('refuses a signature with one character altered, or made with another secret (401 mismatch)', async () => {
    const flip = (hex: string) => `${hex.slice(0, -1)}${hex.endsWith('0') ? '1' : '0'}`;
    expect(await deliver({ tamper: flip })).toMatchObject({ status: 401, json: { error: 'mismatch' } });
    expect(await deliver({ secret: 'x'.repeat(20) })).toMatchObject({
      status: 401,
      json: { error: 'mismatch' },
    });
    expect(emu.deliveries()).toEqual([]);
    expect(emu.requests.map((r) => r.signatureValid)).toEqual([false, false]);
  });

  it('refuses replays of an accepted signature (409) and keeps one delivery', async () => {
    const first = await deliver();
    const again = await deliver({ body: first.sent.body, timestampSec: Number(first.sent.timestamp) });
    expect(again.sent.signature).toBe(first.sent.signature);
    expect(again).toMatchObject({ status: 409, json: { error: 'replay' } });
    expect(emu.deliveries()).toHaveLength(1);
  });

  it('accepts a signature again after a refusal that happened before acceptance', async () => {
    emu.injectFault({ kind: 'status', status: 503 });
    const refused = await deliver();
    expect(refused.status).toBe(503);
    expect((await deliver()).status).toBe(200);
  });

  it.each([
    ['older than 5 minutes', -301, 'expired'],
    ['more than 5 minutes ahead', 301, 'expired'],
  ])('refuses a timestamp %s (401)', async (_what, offset, error) => {
    const res = await deliver({ timestampSec: NOW / 1000 + offset });
    expect(res).toMatchObject({ status: 401, json: { error } });
  });

  it('refuses missing headers, wrong content type, non-JSON, non-outcomes and a message-ID mismatch', async () => {
    expect(await deliver({ headers: { 'x-sae-rollback-signature': null } })).toMatchObject({
      status: 400,
      json: { error: 'missing-header' },
    });
    expect(await deliver({ headers: { 'content-type': 'text/plain' } })).toMatchObject({
      status: 415,
      json: { error: 'not-json' },
    });
    expect(await deliver({ body: '{not json' })).toMatchObject({ status: 400, json: { error: 'bad-json' } });
    expect(await deliver({ body: JSON.stringify({ hello: 'world' }) })).toMatchObject({
      status: 422,
      json: { error: 'not-an-outcome' },
    });
    expect(await deliver({ headers: { 'x-sae-rollback-message-id': 'other' } })).toMatchObject({
      status: 400,
      json: { error: 'message-id-mismatch' },
    });
    expect(emu.deliveries()).toEqual([]);
  });

  it('accepts a rotated-in secret added through the admin surface', async () => {
    const next = 'whsec-next-0123456789abcdef';
    expect((await deliver({ secret: next })).status).toBe(401);
    const res = await fetch(`${emu.url}/__admin/secrets`, {
      method: 'POST',
      body: JSON.stringify({ secret: next }),
    });
    expect(res.status).toBe(201);
    expect((await deliver({ secret: next })).status).toBe(200);
  });

  it('injects faults through the admin surface and lists requests', async () => {
    const admin = (method: string, path: string, body?: unknown) =>
      fetch(`${emu.url}/__admin/${path}`, {
        method,
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      }).then(async (r) => ({ status: r.status, json: await r.json() }));
    expect((await admin('POST', 'faults', { kind: 'status', status: 500, times: 2 })).status).toBe(201);
    expect(await deliver()).toMatchObject({ status: 500, json: 'injected fault' });
    expect((await admin('GET', 'requests')).json).toEqual([
      { method: 'POST', path: '/hooks/outcomes', status: 500, signatureValid: false, fault: 'status' },
    ]);
    expect((await admin('DELETE', 'faults')).status).toBe(200);
    expect((await deliver()).status).toBe(200);
    expect((await admin('GET', 'deliveries')).json).toHaveLength(1);
    expect((await admin('POST', 'faults', { kind: 'status', status: 200 })).status).toBe(400);
  });
});
