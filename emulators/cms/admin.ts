/** `/__admin/` over HTTP for the CMS emulator: JSON in/out, unauthenticated (127.0.0.1 only). */

import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import { readBody, sendJson } from '../http.js';
import { popCommonRoute } from '../kit/pop-admin.js';
import { credentialSchema, faultSchema } from '../sae/admin-schemas.js';
import { CmsStateError } from './state.js';
import { ALERT_LEVELS, ALERT_STATES, type CmsEmulator } from './types.js';

export const CMS_ADMIN_PREFIX = '/__admin/';

const dims = z.record(z.string(), z.string());
export const seedRuleSchema = z.object({
  ruleId: z.string().min(1).max(256).exactOptional(),
  ruleName: z.string().exactOptional(),
  namespace: z.string().min(1).exactOptional(),
  metricName: z.string().min(1).exactOptional(),
  appId: z.string().min(1).exactOptional(),
  dimensions: z.union([dims, z.array(dims)]).exactOptional(),
  alertState: z.enum(ALERT_STATES).exactOptional(),
  enableState: z.boolean().exactOptional(),
  level: z.enum(ALERT_LEVELS).exactOptional(),
  groupId: z.string().exactOptional(),
  period: z.int().min(1).exactOptional(),
});
const alertStateSchema = z.object({ alertState: z.enum(ALERT_STATES) });
const enableStateSchema = z.object({ enabled: z.boolean() });

class BadRequest extends Error {}

async function parse<T extends z.ZodType>(req: IncomingMessage, schema: T): Promise<z.output<T>> {
  const raw = (await readBody(req)).toString('utf8');
  let json: unknown;
  try {
    json = raw === '' ? {} : JSON.parse(raw);
  } catch {
    throw new BadRequest('body is not JSON');
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) throw new BadRequest(`body does not match the schema: ${parsed.error.message}`);
  return parsed.data;
}

async function route(
  emu: CmsEmulator,
  req: IncomingMessage,
  path: string,
  url: URL,
): Promise<[number, unknown]> {
  const key = `${req.method ?? 'GET'} ${path}`;
  const common = await popCommonRoute(emu, key, url, {
    fault: () => parse(req, faultSchema),
    credential: () => parse(req, credentialSchema),
  });
  if (common) return common;
  switch (key) {
    case 'GET state':
      return [200, emu.snapshot()];
    case 'POST rules':
      return [201, emu.seedRule(await parse(req, seedRuleSchema))];
  }
  // POST rules/<id>/alert-state {alertState}, POST rules/<id>/enable-state {enabled}
  const m = /^rules\/([^/]+)\/(alert-state|enable-state)$/.exec(path);
  if (req.method === 'POST' && m?.[1]) {
    const id = decodeURIComponent(m[1]);
    if (m[2] === 'alert-state')
      return [200, emu.setAlertState(id, (await parse(req, alertStateSchema)).alertState)];
    return [200, emu.setEnableState(id, (await parse(req, enableStateSchema)).enabled)];
  }
  return [404, { error: 'NotFound', message: `no admin route ${key}` }];
}

/** Serves one `/__admin/...` request. */
export async function serveCmsAdmin(
  emu: CmsEmulator,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  const path = url.pathname.slice(CMS_ADMIN_PREFIX.length).replace(/\/$/, '');
  try {
    const [status, body] = await route(emu, req, path, url);
    if (body === undefined) res.writeHead(status).end();
    else sendJson(res, status, body);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    if (err instanceof BadRequest) sendJson(res, 400, { error: 'BadRequest', message });
    else if (err instanceof CmsStateError)
      sendJson(res, message.startsWith('No rule') ? 404 : 409, { error: 'Conflict', message });
    else if (err instanceof RangeError) sendJson(res, 400, { error: 'BadRequest', message });
    else sendJson(res, 500, { error: 'InternalError', message });
  }
}
