/**
 * A local MNS (Simple Message Queue) emulator for PublishMessage: a real HTTP server on 127.0.0.1 that verifies
 * signatures, dates, STS tokens, Content-MD5 and the XML document as strictly as MNS does, stores what it
 * accepts, and can be told to fail (status, connection reset, latency).
 *
 * Admin surface (JSON, for out-of-process users): GET /__admin/messages[?topic=], GET /__admin/requests,
 * POST /__admin/topics {name}, POST /__admin/credentials {accessKeyId, accessKeySecret, securityToken?},
 * POST /__admin/faults <fault>, DELETE /__admin/faults, POST /__admin/reset.
 */
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { z } from 'zod';
import { type Clock, systemClock } from '../../lib/clock.js';
import { errorXml, MessageIdIssuer, type MnsApiError, newRequestId, publishOkXml } from './responses.js';
import { type EmulatorCredential, verifyPublish } from './verify.js';

export type { EmulatorCredential } from './verify.js';

/** Options for {@link startMnsEmulator}. */
export interface MnsEmulatorOptions {
  /** Port on 127.0.0.1; default 0 (any free port). */
  port?: number;
  /** The emulator's "now" for Date-skew checks and publishedAt; share a ManualClock with the code under test. */
  clock?: Clock;
  credentials?: EmulatorCredential[];
  topics?: string[];
  /** Used only in HostId; default 1234567890123456. */
  accountId?: string;
}

/** A message the emulator accepted. `body` is the XML-unescaped MessageBody, exactly. */
export interface MnsEmulatorMessage {
  topic: string;
  messageId: string;
  body: string;
  tag?: string;
  /** Upper-case hex MD5 of the UTF-8 body, as returned to the publisher. */
  bodyMd5: string;
  publishedAt: number;
  accessKeyId: string;
}

/** Every non-admin request, accepted or not. `status` is 0 when an injected reset dropped the connection. */
export interface MnsEmulatorRequest {
  method: string;
  path: string;
  status: number;
  code?: string;
  accessKeyId?: string;
  /** True only if the signature was checked and matched. */
  signatureValid: boolean;
  /** Set when an injected fault decided the outcome. */
  fault?: MnsFault['kind'];
}

/**
 * A failure to inject. Faults apply in the order injected, before any verification, to non-admin requests;
 * each applies `times` times (default: until {@link MnsEmulator.clearFaults}). A latency fault delays, then the
 * request is processed normally, so a publish whose client timed out may still be stored, as with real MNS.
 */
export type MnsFault =
  | { kind: 'status'; status: number; code?: string; times?: number }
  | { kind: 'reset'; times?: number }
  | { kind: 'latency'; ms: number; times?: number };

/** A running emulator. */
export interface MnsEmulator {
  /** Base URL, e.g. `http://127.0.0.1:40123`; pass it as the client's endpoint. */
  readonly url: string;
  close(): Promise<void>;
  addCredential(credential: EmulatorCredential): void;
  createTopic(name: string): void;
  /** Stored messages, oldest first, optionally for one topic. */
  messages(topic?: string): MnsEmulatorMessage[];
  /** Snapshot of every non-admin request seen so far. */
  readonly requests: readonly MnsEmulatorRequest[];
  injectFault(fault: MnsFault): void;
  clearFaults(): void;
  /** Forgets messages, requests and faults, and restores the topics and credentials given at start. */
  reset(): void;
}

const TOPIC_NAME = /^[A-Za-z][A-Za-z0-9-]{0,254}$/;
const MAX_REQUEST_BYTES = 2 * 1024 * 1024;

const credentialSchema = z.object({
  accessKeyId: z.string().min(1),
  accessKeySecret: z.string().min(1),
  securityToken: z.string().min(1).optional(),
});
const faultSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('status'),
    status: z.number().int().min(400).max(599),
    code: z.string().min(1).optional(),
    times: z.number().int().positive().optional(),
  }),
  z.object({ kind: z.literal('reset'), times: z.number().int().positive().optional() }),
  z.object({
    kind: z.literal('latency'),
    ms: z.number().int().min(0),
    times: z.number().int().positive().optional(),
  }),
]);
const topicSchema = z.object({ name: z.string().regex(TOPIC_NAME) });

interface ActiveFault {
  fault: MnsFault;
  remaining: number;
}

/** Starts the emulator on 127.0.0.1. */
export async function startMnsEmulator(opts: MnsEmulatorOptions = {}): Promise<MnsEmulator> {
  const clock = opts.clock ?? systemClock;
  const initialCredentials = (opts.credentials ?? []).map((c) => ({ ...c }));
  const initialTopics = [...(opts.topics ?? [])];
  const accountId = opts.accountId ?? '1234567890123456';

  const credentials = new Map<string, EmulatorCredential>();
  const topics = new Set<string>();
  let stored: MnsEmulatorMessage[] = [];
  let requests: MnsEmulatorRequest[] = [];
  let faults: ActiveFault[] = [];
  const ids = new MessageIdIssuer();
  const timers = new Set<{ timer: NodeJS.Timeout; resolve: () => void }>();

  const addCredential = (c: EmulatorCredential): void => {
    credentials.set(c.accessKeyId, { ...c });
  };
  const createTopic = (name: string): void => {
    if (!TOPIC_NAME.test(name)) throw new Error(`invalid MNS topic name ${JSON.stringify(name)}`);
    topics.add(name);
  };
  const reset = (): void => {
    stored = [];
    requests = [];
    faults = [];
    credentials.clear();
    topics.clear();
    for (const c of initialCredentials) addCredential(c);
    for (const t of initialTopics) createTopic(t);
  };
  reset();

  const injectFault = (fault: MnsFault): void => {
    faults.push({ fault: { ...fault }, remaining: fault.times ?? Number.POSITIVE_INFINITY });
  };
  const takeFault = (): MnsFault | undefined => {
    const active = faults.find((f) => f.remaining > 0);
    if (active === undefined) return undefined;
    active.remaining -= 1;
    return active.fault;
  };
  const sleep = (ms: number): Promise<void> =>
    new Promise((resolve) => {
      const entry = {
        timer: setTimeout(() => {
          timers.delete(entry);
          resolve();
        }, ms),
        resolve,
      };
      timers.add(entry);
    });

  let hostId = '';
  const sendError = (res: ServerResponse, err: MnsApiError): void => {
    const requestId = newRequestId(clock.now());
    writeXml(res, err.status, requestId, errorXml(err, requestId, hostId));
  };

  const handlePublish = async (req: IncomingMessage, res: ServerResponse, body: Buffer): Promise<void> => {
    const method = req.method ?? '';
    const path = req.url ?? '/';
    const fault = takeFault();
    if (fault?.kind === 'reset') {
      requests.push({ method, path, status: 0, signatureValid: false, fault: 'reset' });
      req.socket.destroy();
      return;
    }
    if (fault?.kind === 'status') {
      const code = fault.code ?? (fault.status >= 500 ? 'InternalError' : 'InjectedFault');
      requests.push({ method, path, status: fault.status, code, signatureValid: false, fault: 'status' });
      sendError(res, { status: fault.status, code, message: 'Injected fault.' });
      return;
    }
    if (fault?.kind === 'latency') await sleep(fault.ms);

    const now = clock.now();
    const verdict = verifyPublish({
      method,
      url: path,
      headers: req.headers,
      body,
      nowMs: now,
      credentials,
      topics,
    });
    const faultTag = fault === undefined ? {} : { fault: fault.kind };
    if (!verdict.ok) {
      const rec: MnsEmulatorRequest = {
        method,
        path,
        status: verdict.error.status,
        code: verdict.error.code,
        signatureValid: verdict.signatureValid,
        ...faultTag,
      };
      if (verdict.accessKeyId !== undefined) rec.accessKeyId = verdict.accessKeyId;
      requests.push(rec);
      sendError(res, verdict.error);
      return;
    }
    if (verdict.getAttributes) {
      requests.push({ method, path, status: 200, accessKeyId: verdict.accessKeyId, signatureValid: true });
      const xml = `<?xml version="1.0" encoding="UTF-8"?><Topic xmlns="http://mns.aliyuncs.com/doc/v1/"><TopicName>${verdict.topic}</TopicName></Topic>`;
      writeXml(res, 200, newRequestId(now), xml);
      return;
    }
    const bodyMd5 = createHash('md5').update(verdict.body, 'utf8').digest('hex').toUpperCase();
    const message: MnsEmulatorMessage = {
      topic: verdict.topic,
      messageId: ids.next(now),
      body: verdict.body,
      bodyMd5,
      publishedAt: now,
      accessKeyId: verdict.accessKeyId,
    };
    if (verdict.tag !== undefined) message.tag = verdict.tag;
    stored.push(message);
    requests.push({
      method,
      path,
      status: 201,
      accessKeyId: verdict.accessKeyId,
      signatureValid: true,
      ...faultTag,
    });
    writeXml(res, 201, newRequestId(now), publishOkXml(message.messageId, bodyMd5));
  };

  const messages = (topic?: string): MnsEmulatorMessage[] =>
    stored.filter((m) => topic === undefined || m.topic === topic).map((m) => ({ ...m }));

  /** Admin routes answer JSON: `[status, body]`. */
  const routeAdmin = (method: string, url: URL, body: Buffer): [number, unknown] => {
    const input = (): unknown => (body.length === 0 ? {} : JSON.parse(body.toString('utf8')));
    switch (`${method} ${url.pathname}`) {
      case 'GET /__admin/messages':
        return [200, messages(url.searchParams.get('topic') ?? undefined)];
      case 'GET /__admin/requests':
        return [200, requests];
      case 'POST /__admin/topics':
        createTopic(topicSchema.parse(input()).name);
        return [201, { ok: true }];
      case 'POST /__admin/credentials':
        addCredential(withoutUndefined(credentialSchema.parse(input())));
        return [201, { ok: true }];
      case 'POST /__admin/faults':
        injectFault(withoutUndefined(faultSchema.parse(input())) as MnsFault);
        return [201, { ok: true }];
      case 'DELETE /__admin/faults':
        faults = [];
        return [200, { ok: true }];
      case 'POST /__admin/reset':
        reset();
        return [200, { ok: true }];
      default:
        return [404, { error: `no admin route ${method} ${url.pathname}` }];
    }
  };
  const handleAdmin = (req: IncomingMessage, res: ServerResponse, body: Buffer): void => {
    let answer: [number, unknown];
    try {
      answer = routeAdmin(req.method ?? '', new URL(req.url ?? '/', 'http://emulator'), body);
    } catch (e) {
      answer = [400, { error: e instanceof Error ? e.message : String(e) }];
    }
    writeJson(res, ...answer);
  };

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_REQUEST_BYTES) req.socket.destroy();
      else chunks.push(chunk);
    });
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      if ((req.url ?? '').startsWith('/__admin/')) {
        handleAdmin(req, res, body);
        return;
      }
      handlePublish(req, res, body).catch((e: unknown) => {
        sendError(res, { status: 500, code: 'InternalError', message: `Emulator bug: ${String(e)}` });
      });
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  hostId = `http://${accountId}.mns.emulator.local`;

  return {
    url,
    async close() {
      for (const t of timers) {
        clearTimeout(t.timer);
        t.resolve();
      }
      timers.clear();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
    addCredential,
    createTopic,
    messages,
    get requests() {
      return requests.map((r) => ({ ...r }));
    },
    injectFault,
    clearFaults() {
      faults = [];
    },
    reset,
  };
}

function writeXml(res: ServerResponse, status: number, requestId: string, xml: string): void {
  if (res.destroyed || res.writableEnded) return;
  const payload = Buffer.from(xml, 'utf8');
  res.writeHead(status, {
    'content-type': 'text/xml;charset=utf-8',
    'content-length': payload.length,
    'x-mns-request-id': requestId,
    'x-mns-version': '2015-06-06',
  });
  res.end(payload);
}

function writeJson(res: ServerResponse, status: number, value: unknown): void {
  const payload = Buffer.from(JSON.stringify(value), 'utf8');
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': payload.length });
  res.end(payload);
}

/** zod yields `key: undefined` for absent optionals; exactOptionalPropertyTypes wants the key absent. */
function withoutUndefined<T extends object>(value: T): { [K in keyof T]: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as {
    [K in keyof T]: Exclude<T[K], undefined>;
  };
}
