/** The two InvokeFunction routes: FC 3.0 (ACS3 signature) and FC 2.0 (`FC AK:signature`). */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { TASK_ID_PATTERN } from '../../lib/invoke/task-id.js';
import { headerValue, readBody, sendText } from '../http.js';
import { GATEWAY_ERRORS } from '../kit/pop-envelope.js';
import type { Acs3Gate } from '../sae/gate.js';
import type { Fc2Check } from './fc2-verify.js';
import type { FcState } from './state.js';
import type { FcApi, FcRequestRecord } from './types.js';

const FC3_ROUTE = /^\/2023-03-30\/functions\/([A-Za-z0-9_-]+)\/invocations$/;
const FC2_ROUTE =
  /^\/2016-08-15\/services\/([A-Za-z0-9_-]+)(?:\.([A-Za-z0-9_-]+))?\/functions\/([A-Za-z0-9_-]+)\/invocations$/;

/**
 * FC answers a duplicate task ID with HTTP 409 (documented: FC 2.0 "Task deduplication"). The FC 2.0 code
 * `StatefulAsyncInvocationAlreadyExists` is what public FC 2.0 clients match on; the FC 3.0 code is not
 * documented where we looked, so clients must key on the 409, not on this code.
 */
export const DUPLICATE_CODES: Record<FcApi, string> = {
  fc3: 'AsyncTaskAlreadyExists',
  fc2: 'StatefulAsyncInvocationAlreadyExists',
};

export interface ApiDeps {
  state: FcState;
  gate: Acs3Gate;
  fc2: Fc2Check;
}

interface Reply {
  status: number;
  code?: string;
  message?: string;
  headers?: Record<string, string>;
  body?: Buffer;
}

function send(api: FcApi, res: ServerResponse, requestId: string, r: Reply): void {
  const headers = { 'x-fc-request-id': requestId, ...r.headers };
  if (r.code) {
    // FC 3.0 errors use the POP shape; FC 2.0 errors `{ErrorCode, ErrorMessage}`.
    const body =
      api === 'fc3'
        ? { Code: r.code, Message: r.message ?? r.code, RequestId: requestId }
        : { ErrorCode: r.code, ErrorMessage: r.message ?? r.code };
    sendText(res, r.status, JSON.stringify(body), 'application/json; charset=utf-8', headers);
    return;
  }
  if (res.destroyed || res.writableEnded) return;
  const payload = r.body ?? Buffer.alloc(0);
  res.writeHead(r.status, { ...headers, 'content-length': String(payload.length) });
  res.end(payload);
}

/** Serves one non-admin request; false when no route matches (the caller answers 404). */
export async function serveApi(deps: ApiDeps, req: IncomingMessage, res: ServerResponse): Promise<boolean> {
  const raw = req.url ?? '/';
  const q = raw.indexOf('?');
  const path = q < 0 ? raw : raw.slice(0, q);
  const query = Object.fromEntries(new URLSearchParams(q < 0 ? '' : raw.slice(q + 1)));
  const fc3 = FC3_ROUTE.exec(path);
  const fc2 = FC2_ROUTE.exec(path);
  if (req.method !== 'POST' || (!fc3 && !fc2)) return false;
  const api: FcApi = fc3 ? 'fc3' : 'fc2';
  const requestId = randomUUID();
  const body = await readBody(req);
  const taskHeader = api === 'fc3' ? 'x-fc-async-task-id' : 'x-fc-stateful-async-invocation-id';
  const taskId = headerValue(req, taskHeader);
  const log: FcRequestRecord = { api, method: 'POST', path, status: 0, signatureValid: false };
  if (taskId !== undefined) log.taskId = taskId;
  deps.state.requests.push(log);
  const reply = (r: Reply) => {
    log.status = r.status;
    if (r.code) log.code = r.code;
    send(api, res, requestId, r);
  };

  let accessKeyId: string;
  if (api === 'fc3') {
    const gate = deps.gate.check({ method: 'POST', path, query, headers: req.headers, body });
    if (!gate.ok) {
      const known = GATEWAY_ERRORS[gate.code];
      reply({
        status: known.status,
        code: gate.code,
        message: known.message.replace('%s', gate.detail ?? ''),
      });
      return true;
    }
    accessKeyId = gate.accessKeyId;
  } else {
    const check = deps.fc2({ method: 'POST', path, headers: req.headers, body });
    if (!check.ok) {
      reply({ status: check.status, code: check.code, message: check.message });
      return true;
    }
    accessKeyId = check.accessKeyId;
  }
  log.signatureValid = true;

  const service = fc2?.[1];
  const name = (fc3?.[1] ?? fc2?.[3]) as string;
  const qualifier = (api === 'fc3' ? query.qualifier : fc2?.[2]) ?? 'LATEST';
  const fn = deps.state.find(service, name);
  if (!fn) {
    reply({
      status: 404,
      code: 'FunctionNotFound',
      message: `function ${service ? `${service}/` : ''}${name} not found`,
    });
    return true;
  }
  const type =
    (headerValue(req, 'x-fc-invocation-type') ?? 'Sync').toLowerCase() === 'async' ? 'Async' : 'Sync';
  if (taskId !== undefined) {
    if (type !== 'Async' || !TASK_ID_PATTERN.test(taskId)) {
      const message =
        type !== 'Async'
          ? 'a task ID needs an asynchronous invocation'
          : `invalid task ID: must match ${TASK_ID_PATTERN}`;
      reply({ status: 400, code: 'InvalidArgument', message });
      return true;
    }
    if (fn.asyncTask === false) {
      reply({
        status: 400,
        code: 'InvalidArgument',
        message: `async task is not enabled for function ${name}`,
      });
      return true;
    }
    if (!deps.state.claimTaskId(service, name, taskId)) {
      reply({ status: 409, code: DUPLICATE_CODES[api], message: `async task ${taskId} already exists` });
      return true;
    }
  }
  const inv = deps.state.record({
    api,
    ...(service ? { service } : {}),
    functionName: name,
    qualifier,
    type,
    ...(taskId !== undefined ? { taskId } : {}),
    payload: body.toString('utf8'),
    accessKeyId,
  });
  if (type === 'Async') {
    deps.state.runInBackground(fn, inv);
    reply({ status: 202, headers: taskId ? { [taskHeader]: taskId } : {} });
    return true;
  }
  await deps.state.run(fn, inv);
  if (inv.status === 'Failed') {
    const err = { errorMessage: inv.error, errorType: 'Error', stackTrace: [] };
    reply({
      status: 200,
      headers: { 'x-fc-error-type': 'UnhandledInvocationError', 'content-type': 'application/json' },
      body: Buffer.from(JSON.stringify(err)),
    });
    return true;
  }
  const out = typeof inv.result === 'string' ? inv.result : JSON.stringify(inv.result ?? null);
  reply({ status: 200, headers: { 'content-type': 'application/octet-stream' }, body: Buffer.from(out) });
  return true;
}
