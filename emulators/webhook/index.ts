/**
 * A local receiver for the signed outcome webhook: a real HTTP server on 127.0.0.1 that does what we ask real
 * receivers to do — verify `x-sae-rollback-signature` over the raw body with `verifyWebhookSignature`, refuse
 * timestamps outside the tolerance and replays of an already-accepted signature, check the body is an outcome —
 * then stores what it accepted, with the headers. Fault injection: HTTP status, connection reset, latency.
 *
 * Answers: 200 stored; 400 missing/malformed headers, bad JSON or a message-ID header that disagrees with the
 * body; 401 signature mismatch or expired timestamp; 409 replayed signature; 415 not JSON; 422 not an outcome.
 *
 * Admin surface (JSON): GET /__admin/deliveries, GET /__admin/requests, POST /__admin/secrets {secret},
 * POST /__admin/faults <fault>, DELETE /__admin/faults, POST /__admin/reset.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { z } from 'zod';
import { type Clock, systemClock } from '../../lib/clock.js';
import {
  verifyWebhookSignature,
  WEBHOOK_TOLERANCE_SEC,
  WebhookHeader,
  type WebhookVerifyFailure,
} from '../../lib/notify/webhook.js';
import { type Outcome, outcomeSchema } from '../../lib/rollback/outcome.js';
import { closeServer, headerValue, listenLocal, readBody, sendJson, sendText } from '../http.js';
import { type BaseFault, baseFaultSchemas, FaultQueue, Sleeps, withoutUndefined } from '../kit/faults.js';

/** Options for {@link startWebhookEmulator}. */
export interface WebhookEmulatorOptions {
  port?: number;
  /** The receiver's "now" for the replay window; share a ManualClock with the code under test. */
  clock?: Clock;
  /** Accepted signing secrets (several during a rotation). */
  secrets: string[];
  /** Replay window in seconds; default 300. */
  toleranceSec?: number;
}

/** A delivery the receiver accepted. `body` is the raw body; `outcome` is it parsed. */
export interface WebhookDelivery {
  path: string;
  body: string;
  outcome: Outcome;
  headers: { contentType: string; timestamp: string; signature: string; messageId: string };
  receivedAt: number;
}

/** Every non-admin request, accepted or not. */
export interface WebhookEmulatorRequest {
  method: string;
  path: string;
  /** 0 when an injected reset dropped the connection. */
  status: number;
  /** Why it was refused, when it was. */
  error?:
    | WebhookVerifyFailure
    | 'replay'
    | 'not-json'
    | 'bad-json'
    | 'not-an-outcome'
    | 'message-id-mismatch';
  signatureValid: boolean;
  fault?: BaseFault['kind'];
}

/** A running receiver. */
export interface WebhookEmulator {
  /** Base URL; any path is accepted, e.g. `${url}/hooks/sae-rollback`. */
  readonly url: string;
  close(): Promise<void>;
  addSecret(secret: string): void;
  deliveries(): WebhookDelivery[];
  /** Requests currently held by a latency fault. */
  readonly sleeping: number;
  readonly requests: readonly WebhookEmulatorRequest[];
  injectFault(fault: BaseFault): void;
  clearFaults(): void;
  /** Forgets deliveries, requests, faults and seen signatures; restores the secrets given at start. */
  reset(): void;
}

const faultSchema = z.discriminatedUnion('kind', [...baseFaultSchemas]);

/** Starts the receiver on 127.0.0.1. */
export async function startWebhookEmulator(opts: WebhookEmulatorOptions): Promise<WebhookEmulator> {
  const clock = opts.clock ?? systemClock;
  const toleranceSec = opts.toleranceSec ?? WEBHOOK_TOLERANCE_SEC;
  const faults = new FaultQueue<BaseFault>();
  const sleeps = new Sleeps();
  let secrets: string[] = [];
  let stored: WebhookDelivery[] = [];
  let requests: WebhookEmulatorRequest[] = [];
  /** Signatures of accepted deliveries → when they stop mattering (timestamp + tolerance), epoch ms. */
  let seen = new Map<string, number>();

  let generation = 0;
  const reset = (): void => {
    generation += 1;
    sleeps.cancelAll();
    secrets = [...opts.secrets];
    stored = [];
    requests = [];
    seen = new Map();
    faults.clear();
  };
  reset();

  const handle = async (req: IncomingMessage, res: ServerResponse, body: Buffer): Promise<void> => {
    const method = req.method ?? '';
    const path = new URL(req.url ?? '/', 'http://emulator').pathname;
    const plan = faults.take();
    if (plan.latencyMs > 0) {
      const before = generation;
      await sleeps.sleep(plan.latencyMs);
      // A reset while this request slept belongs to the next test: do not let it leak into its state.
      if (generation !== before) {
        req.socket.destroy();
        return;
      }
    }
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
    const timestamp = headerValue(req, WebhookHeader.timestamp);
    const signature = headerValue(req, WebhookHeader.signature);
    const verdict = verifyWebhookSignature({
      secret: secrets,
      timestamp,
      signature,
      body,
      now,
      toleranceSec,
    });
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
    const messageId = headerValue(req, WebhookHeader.messageId);
    if (messageId !== outcome.data.messageId) return refuse(400, 'message-id-mismatch', true);

    // Recorded only once accepted: a delivery refused above may be retried with the same signature.
    seen.set(signature, (verdict.timestamp + toleranceSec) * 1000);
    stored.push({
      path,
      body: body.toString('utf8'),
      outcome: outcome.data,
      headers: {
        contentType: headerValue(req, 'content-type') ?? '',
        timestamp: timestamp ?? '',
        signature,
        messageId,
      },
      receivedAt: now,
    });
    requests.push({ method, path, status: 200, signatureValid: true, ...faultTag });
    sendJson(res, 200, { received: true });
  };

  const routeAdmin = (method: string, pathname: string, body: Buffer): [number, unknown] => {
    const input = (): unknown => (body.length === 0 ? {} : JSON.parse(body.toString('utf8')));
    switch (`${method} ${pathname}`) {
      case 'GET /__admin/deliveries':
        return [200, stored];
      case 'GET /__admin/requests':
        return [200, requests];
      case 'POST /__admin/secrets':
        secrets.push(z.object({ secret: z.string().min(1) }).parse(input()).secret);
        return [201, { ok: true }];
      case 'POST /__admin/faults':
        faults.add(withoutUndefined(faultSchema.parse(input())) as BaseFault);
        return [201, { ok: true }];
      case 'DELETE /__admin/faults':
        faults.clear();
        return [200, { ok: true }];
      case 'POST /__admin/reset':
        reset();
        return [200, { ok: true }];
      default:
        return [404, { error: `no admin route ${method} ${pathname}` }];
    }
  };

  const server = createServer((req, res) => {
    readBody(req)
      .then(async (body) => {
        const pathname = new URL(req.url ?? '/', 'http://emulator').pathname;
        if (pathname.startsWith('/__admin/')) {
          let answer: [number, unknown];
          try {
            answer = routeAdmin(req.method ?? '', pathname, body);
          } catch (e) {
            answer = [400, { error: e instanceof Error ? e.message : String(e) }];
          }
          sendJson(res, ...answer);
          return;
        }
        await handle(req, res, body);
      })
      .catch(() => {
        if (!res.headersSent) sendJson(res, 413, { error: 'request too large' });
      });
  });
  const port = await listenLocal(server, opts.port ?? 0);

  return {
    url: `http://127.0.0.1:${port}`,
    async close() {
      sleeps.cancelAll();
      await closeServer(server);
    },
    addSecret: (secret) => void secrets.push(secret),
    deliveries: () => structuredClone(stored),
    get sleeping() {
      return sleeps.size;
    },
    get requests() {
      return requests.map((r) => ({ ...r }));
    },
    injectFault: (fault) => faults.add(fault),
    clearFaults: () => faults.clear(),
    reset,
  };
}
