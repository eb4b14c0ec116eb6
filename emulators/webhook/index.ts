/**
 * A local receiver for the signed outcome webhook: a real HTTP server on 127.0.0.1 that does what we ask real
 * receivers to do — verify `x-sae-rollback-signature` over the raw body (with its own code, ./verify.ts), refuse
 * timestamps outside the tolerance and replays of an already-accepted signature, check the body is an outcome —
 * then stores what it accepted, with the headers. Fault injection: HTTP status, connection reset, latency.
 *
 * Answers: 200 stored; 400 missing/malformed headers, bad JSON or a message-ID header that disagrees with the
 * body; 401 signature mismatch or expired timestamp; 409 replayed signature; 415 not JSON; 422 not an outcome.
 *
 * Admin surface (JSON): GET /__admin/deliveries, GET /__admin/requests, POST /__admin/secrets {secret},
 * POST /__admin/faults <fault>, DELETE /__admin/faults, POST /__admin/reset.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import { outcomeSchema } from '../../lib/rollback/outcome.js';
import { headerValue, sendJson, sendText } from '../http.js';
import { CREATED, deskAdminRoutes, parseInput } from '../kit/admin.js';
import { CallLog } from '../kit/call-log.js';
import { systemClock } from '../kit/clock.js';
import { type BaseFault, baseFaultSchemas, FaultDesk, receiverControls } from '../kit/faults.js';
import { startEmulatorServer } from '../kit/server.js';
import type {
  WebhookDelivery,
  WebhookEmulator,
  WebhookEmulatorOptions,
  WebhookEmulatorRequest,
} from './types.js';
import { checkDelivery, DEFAULT_TOLERANCE_SEC, WebhookHeaders } from './verify.js';

export type * from './types.js';

const faultSchema = z.discriminatedUnion('kind', [...baseFaultSchemas]);

/** Starts the receiver on 127.0.0.1. */
export async function startWebhookEmulator(opts: WebhookEmulatorOptions): Promise<WebhookEmulator> {
  const clock = opts.clock ?? systemClock;
  const toleranceSec = opts.toleranceSec ?? DEFAULT_TOLERANCE_SEC;
  const desk = new FaultDesk<BaseFault>();
  const requests = new CallLog<WebhookEmulatorRequest>();
  let secrets: string[] = [];
  let stored: WebhookDelivery[] = [];
  /** Signatures of accepted deliveries → when they stop mattering (timestamp + tolerance), epoch ms. */
  let seen = new Map<string, number>();

  const reset = (): void => {
    desk.reset();
    secrets = [...opts.secrets];
    stored = [];
    requests.clear();
    seen = new Map();
  };
  reset();

  const handle = async (req: IncomingMessage, res: ServerResponse, body: Buffer): Promise<void> => {
    const method = req.method ?? '';
    const path = new URL(req.url ?? '/', 'http://emulator').pathname;
    const plan = await desk.plan(req.socket);
    if (plan === undefined) return;
    const faultTag = plan.latencyMs > 0 ? { fault: 'latency' as const } : {};
    const refuse = (
      status: number,
      error: NonNullable<WebhookEmulatorRequest['error']>,
      signatureValid = false,
    ) => {
      requests.push({ method, path, status, error, signatureValid, ...faultTag });
      sendJson(res, status, { error });
    };
    if (plan.failure?.kind === 'reset') {
      requests.push({ method, path, status: 0, signatureValid: false, fault: 'reset' });
      req.socket.destroy();
      return;
    }
    if (plan.failure?.kind === 'status') {
      requests.push({ method, path, status: plan.failure.status, signatureValid: false, fault: 'status' });
      sendText(res, plan.failure.status, 'injected fault', 'text/plain;charset=utf-8');
      return;
    }
    if (method !== 'POST') {
      requests.push({ method, path, status: 405, signatureValid: false, ...faultTag });
      sendJson(res, 405, { error: 'method not allowed' });
      return;
    }
    if (!/^application\/json\s*(;|$)/i.test(headerValue(req, 'content-type') ?? ''))
      return refuse(415, 'not-json');

    const now = clock.now();
    const timestamp = headerValue(req, WebhookHeaders.timestamp);
    const signature = headerValue(req, WebhookHeaders.signature);
    const verdict = checkDelivery({ secrets, timestamp, signature, body, nowMs: now, toleranceSec });
    if (!verdict.ok) {
      const badRequest = verdict.reason !== 'mismatch' && verdict.reason !== 'expired';
      return refuse(badRequest ? 400 : 401, verdict.reason);
    }
    for (const [sig, until] of seen) if (until < now) seen.delete(sig);
    if (signature === undefined || seen.has(signature)) return refuse(409, 'replay', true);

    let json: unknown;
    try {
      json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(body));
    } catch {
      return refuse(400, 'bad-json', true);
    }
    const outcome = outcomeSchema.safeParse(json);
    if (!outcome.success) return refuse(422, 'not-an-outcome', true);
    const messageId = headerValue(req, WebhookHeaders.messageId);
    if (messageId !== outcome.data.messageId) return refuse(400, 'message-id-mismatch', true);

    // Recorded only once accepted: a delivery refused above may be retried with the same signature.
    seen.set(signature, (verdict.timestamp + toleranceSec) * 1000);
    const contentType = headerValue(req, 'content-type') ?? '';
    const headers = { contentType, timestamp: timestamp ?? '', signature, messageId };
    stored.push({ path, body: body.toString('utf8'), outcome: outcome.data, headers, receivedAt: now });
    requests.push({ method, path, status: 200, signatureValid: true, ...faultTag });
    sendJson(res, 200, { received: true });
  };

  const server = await startEmulatorServer({
    port: opts.port,
    sleeps: desk.sleeps,
    admin: {
      'GET /__admin/deliveries': () => [200, stored],
      'POST /__admin/secrets': (input) => {
        secrets.push(parseInput(z.object({ secret: z.string().min(1) }), input).secret);
        return CREATED;
      },
      ...deskAdminRoutes(desk, requests, faultSchema, reset),
    },
    handle,
    onFailure: (_req, res) => sendJson(res, 413, { error: 'request too large' }),
  });

  return Object.assign(receiverControls(desk, requests), {
    url: server.url,
    close: () => server.close(),
    addSecret: (secret: string) => void secrets.push(secret),
    deliveries: () => structuredClone(stored),
    reset,
  });
}
