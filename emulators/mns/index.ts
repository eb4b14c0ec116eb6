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
import { systemClock } from '../../lib/clock.js';
import { listenLocal } from '../http.js';
import { type AdminPort, handleAdmin } from './admin.js';
import { errorXml, MessageIdIssuer, type MnsApiError, newRequestId, publishOkXml } from './responses.js';
import { type EmulatorCredential, verifyPublish } from './verify.js';

export type {
  MnsEmulator,
  MnsEmulatorMessage,
  MnsEmulatorOptions,
  MnsEmulatorRequest,
  MnsFault,
} from './types.js';
export type { EmulatorCredential } from './verify.js';

import {
  type ActiveFault,
  MAX_REQUEST_BYTES,
  type MnsEmulator,
  type MnsEmulatorMessage,
  type MnsEmulatorOptions,
  type MnsEmulatorRequest,
  type MnsFault,
  TOPIC_NAME,
} from './types.js';

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
  const admin: AdminPort = {
    messages,
    requests: () => requests,
    createTopic,
    addCredential,
    injectFault,
    clearFaults: () => {
      faults = [];
    },
    reset,
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
        handleAdmin(admin, req, res, body);
        return;
      }
      handlePublish(req, res, body).catch((e: unknown) => {
        sendError(res, { status: 500, code: 'InternalError', message: `Emulator bug: ${String(e)}` });
      });
    });
  });

  const port = await listenLocal(server, opts.port ?? 0);
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
