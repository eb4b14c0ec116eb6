/** The call-log entry a POP emulator (SAE, CMS) opens when a request arrives, before it is read or answered. */
import { type IncomingMessage, type ServerResponse, STATUS_CODES } from 'node:http';
import { sendJson, sendText } from '../http.js';
import type { Reply } from '../kit/pop-envelope.js';
import type { CallRecord } from './types.js';

function splitUrl(rawUrl: string): { path: string; query: Record<string, string> } {
  const q = rawUrl.indexOf('?');
  const path = q < 0 ? rawUrl : rawUrl.slice(0, q);
  // URLSearchParams decodes %XX and '+' the way the SDK's querystring.stringify encodes them.
  const query = Object.fromEntries(new URLSearchParams(q < 0 ? '' : rawUrl.slice(q + 1)));
  return { path, query };
}

/**
 * A fresh entry (status 0, signature not yet valid) for `req` arriving at `at`. `action` names the call
 * from its path, URL query and `x-acs-action` header (when that is a single string).
 */
export function arrivingCall(
  req: IncomingMessage,
  at: number,
  requestId: string,
  action: (path: string, query: Record<string, string>, headerAction: string | undefined) => string,
): CallRecord {
  const { path, query } = splitUrl(req.url ?? '/');
  const header = req.headers['x-acs-action'];
  return {
    at,
    action: action(path, query, typeof header === 'string' ? header : undefined),
    method: (req.method ?? 'GET').toUpperCase(),
    path,
    query,
    status: 0,
    requestId,
    signatureValid: false,
  };
}

/** What goes back on the wire: a JSON reply, a gateway HTML page, or nothing at all. */
export type Outcome = Reply | { html: number } | { reset: true };

/** Writes `outcome` (`body` as given for a JSON reply) and records its status and code on `call`. */
export function answer(
  req: IncomingMessage,
  res: ServerResponse,
  call: CallRecord,
  outcome: Outcome,
  headers: Record<string, string>,
  body: (reply: Reply) => Record<string, unknown> = (reply) => reply.body,
): void {
  if ('reset' in outcome) {
    req.socket.destroy();
    return;
  }
  if ('html' in outcome) {
    call.status = outcome.html;
    const title = `${outcome.html} ${STATUS_CODES[outcome.html] ?? 'Error'}`;
    sendText(res, outcome.html, `<html><body><h1>${title}</h1></body></html>`, 'text/html', headers);
    return;
  }
  call.status = outcome.status;
  if (outcome.code !== undefined) call.code = outcome.code;
  sendJson(res, outcome.status, body(outcome), headers);
}
