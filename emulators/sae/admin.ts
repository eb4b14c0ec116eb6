/**
 * `/__admin/` over HTTP: JSON in/out, unauthenticated (the server only listens on 127.0.0.1), a thin
 * layer over the in-process methods so another process (`sae-rollback dev`) can drive the emulator.
 */

import type { IncomingMessage, ServerResponse } from 'node:http';
import type { z } from 'zod';
import { readBody, sendJson } from '../http.js';
import { popCommonRoute } from '../kit/pop-admin.js';
import {
  abortProgressSchema,
  autoScaleOutSchema,
  credentialSchema,
  errorShapeSchema,
  faultSchema,
  finishSchema,
  namespaceSchema,
  rollbackCompletionSchema,
  seedAppSchema,
  startChangeOrderSchema,
  statusSchema,
} from './admin-schemas.js';
import { SaeStateError } from './state.js';
import type { SaeEmulator } from './types.js';

export const ADMIN_PREFIX = '/__admin/';

class AdminError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly issues?: unknown,
  ) {
    super(message);
  }
}

async function parseBody<T extends z.ZodType>(req: IncomingMessage, schema: T): Promise<z.output<T>> {
  const raw = (await readBody(req)).toString('utf8');
  let json: unknown;
  try {
    json = raw === '' ? {} : JSON.parse(raw);
  } catch {
    throw new AdminError(400, 'BadRequest', 'body is not JSON');
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success)
    throw new AdminError(400, 'BadRequest', 'body does not match the schema', parsed.error.issues);
  return parsed.data;
}

async function route(
  emu: SaeEmulator,
  req: IncomingMessage,
  path: string,
  url: URL,
): Promise<[number, unknown]> {
  const method = req.method ?? 'GET';
  const key = `${method} ${path}`;
  const common = await popCommonRoute(emu, key, url, {
    fault: () => parseBody(req, faultSchema),
    credential: () => parseBody(req, credentialSchema),
  });
  if (common) return common;
  switch (key) {
    case 'GET state':
      return [200, emu.snapshot()];
    case 'POST apps':
      return [201, emu.seedApp(await parseBody(req, seedAppSchema))];
    case 'GET apps':
      return [200, { apps: emu.listApps(url.searchParams.get('namespaceId') ?? undefined) }];
    case 'POST namespaces': {
      const { namespaceId } = await parseBody(req, namespaceSchema);
      emu.seedNamespace(namespaceId);
      return [201, { namespaces: emu.snapshot().namespaces }];
    }
    case 'POST rollback-completion': {
      const { mode } = await parseBody(req, rollbackCompletionSchema);
      emu.setRollbackCompletion(mode);
      return [200, { rollbackCompletion: mode }];
    }
    case 'POST abort-progress': {
      const progress = await parseBody(req, abortProgressSchema);
      emu.setAbortProgress(progress);
      return [200, { abortProgress: progress }];
    }
    case 'POST error-shape': {
      const { shape } = await parseBody(req, errorShapeSchema);
      emu.setErrorShape(shape);
      return [200, { errorShape: shape }];
    }
    case 'POST change-orders': {
      const changeOrderId = emu.startChangeOrder(await parseBody(req, startChangeOrderSchema));
      return [201, { changeOrderId, changeOrder: emu.getChangeOrder(changeOrderId) }];
    }
  }
  // POST change-orders/<id>/status, POST change-orders/<id>/finish
  const orderMatch = /^change-orders\/([^/]+)\/(status|finish)$/.exec(path);
  if (method === 'POST' && orderMatch?.[1]) {
    const id = decodeURIComponent(orderMatch[1]);
    if (orderMatch[2] === 'finish')
      return [200, emu.finishChangeOrder(id, await parseBody(req, finishSchema))];
    const { status, subStatus } = await parseBody(req, statusSchema);
    return [200, emu.setChangeOrderStatus(id, status, subStatus)];
  }
  // POST apps/<id>/auto-scale-out
  const scaleMatch = /^apps\/([^/]+)\/auto-scale-out$/.exec(path);
  if (method === 'POST' && scaleMatch?.[1]) {
    const changeOrderId = emu.autoScaleOut(
      decodeURIComponent(scaleMatch[1]),
      await parseBody(req, autoScaleOutSchema),
    );
    return changeOrderId ? [201, { changeOrderId }] : [202, { scheduled: true }];
  }
  // GET apps/<id>/versions
  const versionsMatch = /^apps\/([^/]+)\/versions$/.exec(path);
  if (method === 'GET' && versionsMatch?.[1]) {
    const versions = emu.getAppVersions(decodeURIComponent(versionsMatch[1]));
    if (!versions) throw new AdminError(404, 'InvalidAppId.NotFound', 'no such app');
    return [200, { versions }];
  }
  throw new AdminError(404, 'NotFound', `no admin route ${key}`);
}

/** Serves one `/__admin/...` request. */
export async function serveAdmin(emu: SaeEmulator, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  const path = url.pathname.slice(ADMIN_PREFIX.length).replace(/\/$/, '');
  try {
    const [status, body] = await route(emu, req, path, url);
    if (body === undefined) {
      res.writeHead(status).end();
    } else {
      sendJson(res, status, body);
    }
  } catch (err) {
    if (err instanceof AdminError) {
      sendJson(res, err.status, { error: err.code, message: err.message, issues: err.issues });
    } else if (err instanceof SaeStateError) {
      const status = err.code.endsWith('NotFound')
        ? 404
        : err.code.startsWith('InvalidParameter')
          ? 400
          : 409;
      sendJson(res, status, { error: err.code, message: err.message });
    } else {
      sendJson(res, 500, {
        error: 'InternalError',
        message: err instanceof Error ? err.message : String(err),
      });
    }
  }
}
