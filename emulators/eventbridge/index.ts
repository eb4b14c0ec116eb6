/**
 * A local EventBridge: the data plane's PutEvents and the control plane's GetEventBus on a real HTTP server on
 * 127.0.0.1 that verifies the `acs:` HMAC-SHA1 signature, Date, nonce, STS token, Content-MD5 and the key's
 * permission (./verify.ts), validates every CloudEvent (./cloudevent.ts), stores accepted events per bus, and
 * routes them through rules (an event-pattern subset, ./pattern.ts) to a stand-in RocketMQ (./rocketmq-sink.ts),
 * so an outcome can be followed from the bus to a consumer.
 *
 * Answers: PutEvents 200 `{"RequestId","ResourceOwnerAccountId","FailedEntryCount","EntryList":[{"EventId",
 * "TraceId"}|{"EventId","ErrorCode","ErrorMessage"}]}` (an event for an unknown bus fails alone,
 * `EventBusNotExist`); GetEventBus as ./get-event-bus.ts; errors `{"code","message","requestId"}` with
 * 400/403/404/405/415, or an injected status.
 *
 * Admin surface (JSON): GET /__admin/events[?bus=], GET /__admin/requests, GET /__admin/sink[?topic=],
 * POST /__admin/buses {name}, POST /__admin/rules {bus,name,pattern,targets}, POST /__admin/credentials {…,
 * denied?: [action]}, POST /__admin/faults <fault>, DELETE /__admin/faults, POST /__admin/reset.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { sendJson } from '../http.js';
import { CallLog } from '../kit/call-log.js';
import { systemClock } from '../kit/clock.js';
import { FaultDesk, FaultQueue } from '../kit/faults.js';
import { NonceLedger } from '../kit/nonces.js';
import { startEmulatorServer } from '../kit/server.js';
import { eventBridgeAdmin } from './admin.js';
import type { CloudEvent } from './cloudevent.js';
import { getEventBus } from './get-event-bus.js';
import { matchesPattern } from './pattern.js';
import { putEvents } from './put-events.js';
import { RocketMqSink } from './rocketmq-sink.js';
import {
  type EntryFault,
  type EventBridgeEmulator,
  type EventBridgeEmulatorOptions,
  type EventBridgeFault,
  type EventBridgeRequest,
  type RequestFault,
  type Rule,
  ruleSchema,
  type StoredEvent,
} from './types.js';
import { type ApiError, type EmulatorCredential, MAX_CLOCK_SKEW_MS, verifyRequest } from './verify.js';

export { type RocketMqMessage, RocketMqSink } from './rocketmq-sink.js';
export type * from './types.js';
export { MAX_EVENTS_PER_REQUEST } from './types.js';
export type { EmulatorCredential, EventBridgeAction } from './verify.js';

/** Starts the emulator on 127.0.0.1. */
export async function startEventBridgeEmulator(
  opts: EventBridgeEmulatorOptions = {},
): Promise<EventBridgeEmulator> {
  const clock = opts.clock ?? systemClock;
  const where = { accountId: opts.accountId ?? '1234567890123456', region: 'cn-hangzhou' };
  const sink = new RocketMqSink();
  const desk = new FaultDesk<RequestFault>();
  const entryFaults = new FaultQueue<EntryFault>();
  const credentials = new Map<string, EmulatorCredential>();
  /** Bus name → when it was created (GetEventBus's CreateTimestamp). */
  const buses = new Map<string, number>();
  const requests = new CallLog<EventBridgeRequest>();
  let rules: Rule[] = [];
  let stored: StoredEvent[] = [];
  const nonces = new NonceLedger(MAX_CLOCK_SKEW_MS);

  const createBus = (name: string): void => void buses.set(name, buses.get(name) ?? clock.now());
  const addRule = (rule: Rule): void => {
    const parsed = ruleSchema.parse(rule);
    if (!buses.has(parsed.bus)) throw new Error(`EventBusNotExist: ${parsed.bus}`);
    rules = [...rules.filter((r) => !(r.bus === parsed.bus && r.name === parsed.name)), rule];
  };
  const reset = (): void => {
    desk.reset();
    entryFaults.clear();
    credentials.clear();
    for (const c of opts.credentials ?? []) credentials.set(c.accessKeyId, { ...c });
    buses.clear();
    for (const b of opts.buses ?? []) createBus(b);
    rules = [];
    for (const r of opts.rules ?? []) addRule(r);
    stored = [];
    requests.clear();
    nonces.clear();
    sink.clear();
  };
  reset();

  const accept = (accessKeyId: string) => (bus: string, event: CloudEvent) => {
    const routedTo: string[] = [];
    for (const rule of rules) {
      if (rule.bus !== bus || !matchesPattern(rule.pattern, event)) continue;
      for (const target of rule.targets) {
        const message = {
          keys: event.id,
          tags: event.type,
          body: JSON.stringify(event),
          bornTimestamp: clock.now(),
        };
        sink.deliver(target.topic, message);
        routedTo.push(`${rule.name} → ${target.topic}`);
      }
    }
    stored.push({ bus, event, accessKeyId, receivedAt: clock.now(), routedTo });
  };

  const handle = async (req: IncomingMessage, res: ServerResponse, body: Buffer): Promise<void> => {
    const method = req.method ?? '';
    const path = new URL(req.url ?? '/', 'http://emulator').pathname;
    const requestId = randomUUID().toUpperCase();
    const plan = await desk.plan(req.socket);
    if (plan === undefined) return;
    const log = (entry: Omit<EventBridgeRequest, 'method' | 'path'>): void =>
      requests.push({
        method,
        path,
        ...entry,
        ...(plan.latencyMs > 0 && !entry.fault ? { fault: 'latency' } : {}),
      });
    const fail = (
      error: ApiError,
      extra: Omit<EventBridgeRequest, 'method' | 'path' | 'status' | 'code'>,
    ) => {
      log({ status: error.status, code: error.code, ...extra });
      sendJson(res, error.status, { code: error.code, message: error.message, requestId });
    };
    const failure = plan.failure;
    if (failure?.kind === 'reset') {
      log({ status: 0, signatureValid: false, events: 0, fault: 'reset' });
      req.socket.destroy();
      return;
    }
    if (failure?.kind === 'status' || failure?.kind === 'error') {
      const code = failure.kind === 'error' ? failure.code : 'InternalError';
      const error = { status: failure.status, code, message: 'injected fault' };
      return fail(error, { signatureValid: false, events: 0, fault: failure.kind });
    }

    const verdict = verifyRequest({
      method,
      url: req.url ?? '/',
      headers: req.headers,
      body,
      nowMs: clock.now(),
      credentials,
      nonces,
    });
    if (!verdict.ok) {
      const who = verdict.accessKeyId === undefined ? {} : { accessKeyId: verdict.accessKeyId };
      return fail(verdict.error, { ...who, signatureValid: verdict.signatureValid, events: 0 });
    }
    const signed = { accessKeyId: verdict.accessKeyId, signatureValid: true };
    if (verdict.action === 'GetEventBus') {
      const bus = getEventBus(buses, where, body);
      if ('error' in bus) return fail(bus.error, { ...signed, events: 0 });
      log({ status: 200, ...signed, events: 0 });
      return sendJson(res, 200, { RequestId: requestId, ...bus.answer });
    }
    const put = putEvents({ buses, entryFaults, accept: accept(verdict.accessKeyId) }, body, verdict.batch);
    if ('error' in put) return fail(put.error, { ...signed, events: put.events });
    log({ status: 200, ...signed, events: put.events });
    sendJson(res, 200, {
      RequestId: requestId,
      ResourceOwnerAccountId: where.accountId,
      FailedEntryCount: put.entries.filter((e) => 'ErrorCode' in e).length,
      EntryList: put.entries,
    });
  };

  const inject = (fault: EventBridgeFault): void => {
    if (fault.kind === 'entry-error') entryFaults.add(fault);
    else desk.queue.add(fault);
  };
  const clearFaults = (): void => {
    desk.queue.clear();
    entryFaults.clear();
  };
  const events = (bus?: string) => structuredClone(stored.filter((e) => bus === undefined || e.bus === bus));
  const addCredential = (c: EmulatorCredential) => void credentials.set(c.accessKeyId, { ...c });

  const server = await startEmulatorServer({
    port: opts.port,
    sleeps: desk.sleeps,
    admin: eventBridgeAdmin({
      events,
      sink,
      createBus,
      putRule: addRule,
      addCredential,
      injectFault: inject,
      clearFaults,
      reset,
      requests: () => requests.list(),
    }),
    handle,
    onFailure: (_req, res) => sendJson(res, 413, { code: 'EntityTooLarge', message: 'request too large' }),
  });

  return {
    url: server.url,
    sink,
    close: () => server.close(),
    addCredential,
    createBus,
    putRule: addRule,
    events,
    get requests() {
      return requests.list();
    },
    injectFault: inject,
    clearFaults,
    reset,
  };
}
