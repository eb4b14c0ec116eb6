/**
 * One HTTP POST under a single deadline, shared by the MNS, DingTalk and webhook notifiers. node:http rather than
 * fetch for the same reason as the MNS client: one timer covers connect + send + read, and our own deadline is
 * never confused with a peer reset. Errors thrown here never contain the URL (its query may hold a token).
 */
import type { IncomingHttpHeaders } from 'node:http';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { ClientFailure, type NotifyChannel, NotifyError } from './errors.js';

/** What came back. `body` is decoded as UTF-8. */
export interface PostResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

/** Our deadline fired before a complete response arrived. */
export class DeadlineExceeded extends Error {
  override readonly name = 'DeadlineExceeded';
}

/** The response was larger than any answer these endpoints legitimately give. */
export class ResponseTooLarge extends Error {
  override readonly name = 'ResponseTooLarge';
}

/** Answers from MNS, DingTalk and webhook receivers are tiny; a huge one is not worth buffering. */
const MAX_RESPONSE_BYTES = 256 * 1024;

/** Sends `payload` once. Rejects with {@link DeadlineExceeded}, {@link ResponseTooLarge} or a Node network error. */
export function postOnce(
  url: URL,
  headers: Record<string, string>,
  payload: Buffer,
  timeoutMs: number,
): Promise<PostResponse> {
  return new Promise((resolve, reject) => {
    let settled = false;
    const settle = (fn: () => void): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      fn();
    };
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    const req = send(url, { method: 'POST', headers }, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > MAX_RESPONSE_BYTES) {
          settle(() => reject(new ResponseTooLarge(`response exceeded ${MAX_RESPONSE_BYTES} bytes`)));
          req.destroy();
          return;
        }
        chunks.push(chunk);
      });
      res.on('end', () =>
        settle(() =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        ),
      );
      res.on('error', (e) => settle(() => reject(e)));
      res.on('aborted', () => settle(() => reject(new Error('response aborted by peer'))));
    });
    const timer = setTimeout(() => {
      settle(() => reject(new DeadlineExceeded(`no complete response within ${timeoutMs} ms`)));
      req.destroy();
    }, timeoutMs);
    req.on('error', (e) => settle(() => reject(e)));
    req.end(payload);
  });
}

/**
 * Parses and checks a configured endpoint: https, or plain http to loopback only (the local receivers).
 * Returns an error description instead of throwing so each notifier can word its own `NotifyError`.
 */
export function parseHttpEndpoint(raw: string): URL | string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return 'is not a valid URL';
  }
  if (url.username !== '' || url.password !== '') return 'must not embed credentials';
  if (url.hash !== '') return 'must not have a #fragment';
  const loopback = ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback)) {
    return 'must use https (http is accepted only for loopback receivers)';
  }
  return url;
}

/** Node network error code (ECONNRESET, ECONNREFUSED, …) if there is one. */
export function errnoOf(e: unknown): string | undefined {
  return typeof e === 'object' && e !== null && 'code' in e && typeof e.code === 'string'
    ? e.code
    : undefined;
}

/** Replaces every occurrence of each secret (4+ characters) with `***`. */
export function redactSecrets(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const s of secrets) if (s.length >= 4) out = out.split(s).join('***');
  return out;
}

/**
 * A failed POST as a {@link NotifyError}: our deadline, an oversize answer, or a network error — all
 * retryable. `what` starts the message ("DingTalk robot send"); secrets echoed in the cause are masked.
 */
export function transportFailure(
  e: unknown,
  o: {
    channel: NotifyChannel;
    what: string;
    timeoutMs: number;
    secrets: readonly string[];
  },
): NotifyError {
  if (e instanceof DeadlineExceeded) {
    return new NotifyError(`${o.what} timed out after ${o.timeoutMs} ms (connect + read)`, {
      channel: o.channel,
      ...ClientFailure.timeout,
      retryable: true,
      cause: e,
    });
  }
  const tooLarge = e instanceof ResponseTooLarge;
  const errno = errnoOf(e);
  const detail = redactSecrets(e instanceof Error ? e.message : String(e), o.secrets);
  return new NotifyError(
    `${o.what} failed: ${tooLarge ? 'protocol' : 'network'} error${errno ? ` ${errno}` : ''}: ${detail}`,
    {
      channel: o.channel,
      ...(tooLarge ? ClientFailure.malformedResponse : ClientFailure.network),
      retryable: true,
      cause: e,
    },
  );
}
