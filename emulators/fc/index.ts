/**
 * A local Function Compute endpoint for InvokeFunction: a real HTTP server on 127.0.0.1 that serves both
 * APIs the invokers speak and verifies each one's signature scheme —
 *
 *   FC 3.0  POST /2023-03-30/functions/{name}/invocations?qualifier=   ACS3-HMAC-SHA256 (the SAE gate)
 *   FC 2.0  POST /2016-08-15/services/{svc[.qualifier]}/functions/{name}/invocations   `FC AK:signature`
 *
 * — stores every accepted invocation, refuses a second async submission with the same task ID (409), and
 * can run the target function in-process.
 *
 * Admin surface (JSON): GET /__admin/invocations, GET /__admin/requests, POST /__admin/functions
 * {name, service?, asyncTask?}, POST /__admin/credentials {accessKeyId, accessKeySecret, securityToken?},
 * POST /__admin/reset.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { z } from 'zod';
import { type Clock, systemClock } from '../../lib/clock.js';
import { closeServer, listenLocal, readBody, sendJson } from '../http.js';
import { Acs3Gate } from '../sae/gate.js';
import { serveApi } from './api.js';
import { fc2Verifier } from './fc2-verify.js';
import { FcState } from './state.js';
import type { FcEmulator, FcEmulatorCredential, FcEmulatorFunction } from './types.js';

export { DUPLICATE_CODES } from './api.js';
export { fc2ContentMd5, fc2StringToSign, signFc2 } from './fc2-signature.js';
export type * from './types.js';

export interface StartFcEmulatorOptions {
  port?: number;
  /** The clock for the signature date windows; default the system clock. */
  clock?: Clock;
  credentials?: FcEmulatorCredential[];
  functions?: FcEmulatorFunction[];
  /** The account the endpoint belongs to (FC 2.0 requests carry it in `x-fc-account-id`). */
  accountId?: string;
}

const credentialSchema = z.object({
  accessKeyId: z.string().min(1),
  accessKeySecret: z.string().min(1),
  securityToken: z.string().min(1).optional(),
});
const functionSchema = z.object({
  name: z.string().regex(/^[A-Za-z_][A-Za-z0-9_-]{0,127}$/),
  service: z
    .string()
    .regex(/^[A-Za-z_][A-Za-z0-9_-]{0,127}$/)
    .optional(),
  asyncTask: z.boolean().optional(),
});

/** Starts the emulator on 127.0.0.1; `close()` it when done. */
export async function startFcEmulator(opts: StartFcEmulatorOptions = {}): Promise<FcEmulator> {
  const clock = opts.clock ?? systemClock;
  const accountId = opts.accountId ?? '1234567890123456';
  const credentials = new Map<string, FcEmulatorCredential>();
  const addCredential = (c: FcEmulatorCredential) => void credentials.set(c.accessKeyId, { ...c });
  for (const c of opts.credentials ?? []) addCredential(c);
  const state = new FcState(clock);
  for (const f of opts.functions ?? []) state.addFunction(f);
  // The gate's credential type has extra optional fields (denied actions); ours is a subset of it.
  const deps = {
    state,
    gate: new Acs3Gate(clock, credentials),
    fc2: fc2Verifier(clock, credentials, accountId),
  };

  const admin = async (req: IncomingMessage, res: ServerResponse, path: string): Promise<void> => {
    const key = `${req.method} ${path}`;
    const json = async () => JSON.parse((await readBody(req)).toString('utf8') || '{}') as unknown;
    if (key === 'GET invocations') return sendJson(res, 200, { invocations: state.invocations });
    if (key === 'GET requests') return sendJson(res, 200, { requests: state.requests });
    if (key === 'POST reset') {
      state.reset();
      res.writeHead(204).end();
      return;
    }
    if (key === 'POST functions' || key === 'POST credentials') {
      const schema = key === 'POST functions' ? functionSchema : credentialSchema;
      const parsed = schema.safeParse(await json().catch(() => undefined));
      if (!parsed.success) return sendJson(res, 400, { error: 'BadRequest', issues: parsed.error.issues });
      if (key === 'POST functions') state.addFunction(parsed.data as FcEmulatorFunction);
      else addCredential(parsed.data as FcEmulatorCredential);
      return sendJson(res, 201, parsed.data);
    }
    sendJson(res, 404, { error: 'NotFound', message: `no admin route ${key}` });
  };

  const server = createServer((req, res) => {
    const url = req.url ?? '/';
    const handled = url.startsWith('/__admin/')
      ? admin(req, res, url.slice('/__admin/'.length).split('?')[0]?.replace(/\/$/, '') ?? '').then(
          () => true,
        )
      : serveApi(deps, req, res);
    handled
      .then((ok) => {
        if (!ok)
          sendJson(res, 404, { Code: 'PathNotSupported', Message: `${req.method} ${url} is not supported` });
      })
      .catch((err: unknown) => {
        if (!res.headersSent) sendJson(res, 500, { Code: 'InternalError', Message: String(err) });
      });
  });
  const port = await listenLocal(server, opts.port ?? 0);
  let closed: Promise<void> | undefined;
  return {
    url: `http://127.0.0.1:${port}`,
    endpoint: `127.0.0.1:${port}`,
    accountId,
    get invocations() {
      return state.invocations;
    },
    get requests() {
      return state.requests;
    },
    addCredential,
    addFunction: (f) => state.addFunction(f),
    settled: () => state.settled(),
    reset: () => state.reset(),
    close() {
      closed ??= state.settled().then(() => closeServer(server));
      return closed;
    },
  };
}
