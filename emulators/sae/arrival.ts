/** The call-log entry a POP emulator (SAE, CMS) opens when a request arrives, before it is read or answered. */
import type { IncomingMessage } from 'node:http';
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
