/**
 * A local DingTalk custom-robot receiver: a real HTTP server on 127.0.0.1 serving `POST /robot/send` that checks
 * the access token, the timestamp (within one hour) and the HMAC-SHA256 `sign` as DingTalk does, stores the
 * messages it accepts and can be told to fail (HTTP status, errcode replies, connection reset, latency).
 *
 * Admin surface (JSON, for out-of-process users such as `npm start`): GET /__admin/messages[?token=],
 * GET /__admin/requests, POST /__admin/robots {accessToken, secret?, keywords?}, POST /__admin/faults <fault>,
 * DELETE /__admin/faults, POST /__admin/reset.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import { sendJson, sendText } from '../http.js';
import { CREATED, deskAdminRoutes, parseInput } from '../kit/admin.js';
import { CallLog } from '../kit/call-log.js';
import { type Clock, systemClock } from '../kit/clock.js';
import { type BaseFault, baseFaultSchemas, FaultDesk, receiverControls } from '../kit/faults.js';
import { startEmulatorServer } from '../kit/server.js';
import { type DingTalkMessageBody, type DingTalkRobot, verifySend } from './verify.js';

export { type DingTalkReply, type DingTalkRobot, dingTalkReplies, MAX_TIMESTAMP_SKEW_MS } from './verify.js';

/** Options for {@link startDingTalkEmulator}. */
export interface DingTalkEmulatorOptions {
  /** Port on 127.0.0.1; default 0 (any free port). */
  port?: number;
  /** The receiver's "now" for the one-hour timestamp window; share a ManualClock with the code under test. */
  clock?: Clock;
  robots?: DingTalkRobot[];
}

/** A message the robot accepted. */
export type DingTalkEmulatorMessage = DingTalkMessageBody & {
  accessToken: string;
  /** True when the robot has a secret and the signature matched. */
  signed: boolean;
  receivedAt: number;
};

/** Every non-admin request. No token, timestamp or sign is recorded: `path` is the path without the query. */
export interface DingTalkEmulatorRequest {
  method: string;
  path: string;
  /** HTTP status; 0 when an injected reset dropped the connection. */
  status: number;
  /** DingTalk errcode when the answer was JSON. */
  errcode?: number;
  signatureValid: boolean;
  fault?: DingTalkFault['kind'];
}

/**
 * A failure to inject (applied before any verification; each `times` times, default once). `errcode` answers
 * HTTP 200 with that errcode, as DingTalk does for refusals such as 130101 "send too fast".
 */
export type DingTalkFault = BaseFault | { kind: 'errcode'; errcode: number; errmsg?: string; times?: number };

/** A running receiver. */
export interface DingTalkEmulator {
  /** Base URL, e.g. `http://127.0.0.1:40123`. */
  readonly url: string;
  /** `${url}/robot/send`: pass it as the notifier's endpoint. */
  readonly sendUrl: string;
  close(): Promise<void>;
  addRobot(robot: DingTalkRobot): void;
  /** Accepted messages, oldest first, optionally for one access token. */
  messages(accessToken?: string): DingTalkEmulatorMessage[];
  /** Requests currently held by a latency fault. */
  readonly sleeping: number;
  readonly requests: readonly DingTalkEmulatorRequest[];
  injectFault(fault: DingTalkFault): void;
  clearFaults(): void;
  /** Forgets messages, requests and faults; restores the robots given at start. */
  reset(): void;
}

const robotSchema = z.object({
  accessToken: z.string().min(1),
  secret: z.string().min(1).optional(),
  keywords: z.array(z.string().min(1)).optional(),
});
const faultSchema = z.discriminatedUnion('kind', [
  ...baseFaultSchemas,
  z.object({
    kind: z.literal('errcode'),
    errcode: z.number().int(),
    errmsg: z.string().optional(),
    times: z.number().int().positive().optional(),
  }),
]);

/** Starts the receiver on 127.0.0.1. */
export async function startDingTalkEmulator(opts: DingTalkEmulatorOptions = {}): Promise<DingTalkEmulator> {
  const clock = opts.clock ?? systemClock;
  const initialRobots = (opts.robots ?? []).map((r) => structuredClone(r));
  const robots = new Map<string, DingTalkRobot>();
  const desk = new FaultDesk<DingTalkFault>();
  const requests = new CallLog<DingTalkEmulatorRequest>();
  let stored: DingTalkEmulatorMessage[] = [];

  const addRobot = (robot: DingTalkRobot): void => {
    robots.set(robot.accessToken, structuredClone(robot));
  };
  const reset = (): void => {
    desk.reset();
    stored = [];
    requests.clear();
    robots.clear();
    for (const r of initialRobots) addRobot(r);
  };
  reset();

  const handleSend = async (req: IncomingMessage, res: ServerResponse, body: Buffer): Promise<void> => {
    const method = req.method ?? '';
    const url = new URL(req.url ?? '/', 'http://emulator');
    const record = (r: Omit<DingTalkEmulatorRequest, 'method' | 'path'>): void => {
      requests.push({ method, path: url.pathname, ...r });
    };
    const plan = await desk.plan(req.socket);
    if (plan === undefined) return;
    const fault = plan.failure;
    const faultTag = plan.latencyMs > 0 ? { fault: 'latency' as const } : {};
    if (fault?.kind === 'reset') {
      record({ status: 0, signatureValid: false, fault: 'reset' });
      req.socket.destroy();
      return;
    }
    if (fault?.kind === 'status') {
      record({ status: fault.status, signatureValid: false, fault: 'status' });
      sendText(res, fault.status, 'injected fault', 'text/plain;charset=utf-8');
      return;
    }
    if (fault?.kind === 'errcode') {
      const errmsg = fault.errmsg ?? 'injected fault';
      record({ status: 200, errcode: fault.errcode, signatureValid: false, fault: 'errcode' });
      sendJson(res, 200, { errcode: fault.errcode, errmsg });
      return;
    }
    if (url.pathname !== '/robot/send') {
      record({ status: 404, signatureValid: false, ...faultTag });
      sendJson(res, 404, { errcode: 404, errmsg: 'not found' });
      return;
    }
    if (method !== 'POST') {
      record({ status: 405, signatureValid: false, ...faultTag });
      sendJson(res, 405, { errcode: 405, errmsg: 'method not allowed' });
      return;
    }
    const now = clock.now();
    const verdict = verifySend({ query: url.searchParams, body, nowMs: now, robots });
    if (!verdict.ok) {
      record({
        status: 200,
        errcode: verdict.reply.errcode,
        signatureValid: verdict.signatureValid,
        ...faultTag,
      });
      sendJson(res, 200, verdict.reply);
      return;
    }
    stored.push({
      ...verdict.message,
      accessToken: verdict.accessToken,
      signed: verdict.signed,
      receivedAt: now,
    });
    record({ status: 200, errcode: 0, signatureValid: verdict.signed, ...faultTag });
    sendJson(res, 200, { errcode: 0, errmsg: 'ok' });
  };

  const messages = (accessToken?: string): DingTalkEmulatorMessage[] =>
    stored.filter((m) => accessToken === undefined || m.accessToken === accessToken).map((m) => ({ ...m }));

  const server = await startEmulatorServer({
    port: opts.port,
    sleeps: desk.sleeps,
    admin: {
      'GET /__admin/messages': ({ url }) => [200, messages(url.searchParams.get('token') ?? undefined)],
      'POST /__admin/robots': (input) => {
        addRobot(parseInput(robotSchema, input));
        return CREATED;
      },
      ...deskAdminRoutes(desk, requests, faultSchema, reset),
    },
    handle: handleSend,
    // readBody refused an oversized body, or the socket broke mid-reply.
    onFailure: (_req, res) => sendJson(res, 413, { errcode: 413, errmsg: 'request too large' }),
  });
  const url = server.url;

  return Object.assign(receiverControls(desk, requests), {
    url,
    sendUrl: `${url}/robot/send`,
    close: () => server.close(),
    addRobot,
    messages,
    reset,
  });
}
