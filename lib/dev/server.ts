/**
 * Serves functions over HTTP the way FC does, for `sae-rollback dev`: `/<name>[/path][?query]` reaches
 * function `<name>`. An HTTP-trigger function gets the FC 3.0 HTTP-trigger event JSON and its
 * `{statusCode, headers, body}` becomes the response; an event function gets the raw request body as its
 * event and its result comes back as JSON (a thrown error as FC reports one: 200 + `X-Fc-Error-Type`).
 * Listens on 127.0.0.1 only.
 */
import { createServer, type ServerResponse } from 'node:http';
import { closeServer, listenLocal, readBody } from '../../emulators/http.js';
import type { CloudCredentials } from '../credentials.js';
import type { DevFunction } from './dev-function.js';
import { fakeFcContext } from './fc-context.js';
import {
  errorReply,
  type HttpReply,
  httpReplyFrom,
  httpTriggerEventFrom,
  jsonReply,
} from './http-trigger.js';

export type { DevFunction } from './dev-function.js';

export interface DevServerOptions {
  functions: readonly DevFunction[];
  /** Default 0: a free port. */
  port?: number;
  /** The STS triple put in every fake FC context (what FC takes from the function's role). */
  credentials?: CloudCredentials;
  /** Called after every request, e.g. to print an access log line. */
  onRequest?: (line: {
    method: string;
    path: string;
    status: number;
    ms: number;
    errorType?: string;
  }) => void;
}

export interface DevServer {
  readonly url: string;
  readonly port: number;
  /** Each function's URL, by name. */
  readonly urls: Readonly<Record<string, string>>;
  close(): Promise<void>;
}

/** Starts the server; `close()` it when done. */
export async function startDevServer(opts: DevServerOptions): Promise<DevServer> {
  const byName = new Map(opts.functions.map((f) => [f.name, f]));
  const server = createServer((req, res) => {
    const started = Date.now();
    const url = req.url ?? '/';
    const m = /^\/([^/?]+)([^?]*)(\?.*)?$/.exec(url);
    const fn = m?.[1] ? byName.get(m[1]) : undefined;
    const finish = (reply: HttpReply) => {
      send(res, reply);
      const errorType = reply.headers['x-fc-error-type'];
      opts.onRequest?.({
        method: req.method ?? 'GET',
        path: url.split('?')[0] ?? url,
        status: reply.statusCode,
        ms: Date.now() - started,
        ...(errorType ? { errorType } : {}),
      });
    };
    if (!fn) {
      const known = Object.fromEntries(opts.functions.map((f) => [f.name, `${base}/${f.name}`]));
      finish(jsonReply(url === '/' ? 200 : 404, { functions: known }));
      return;
    }
    void (async () => {
      const body = await readBody(req, 6 * 1024 * 1024);
      const event =
        fn.kind === 'http'
          ? httpTriggerEventFrom({
              method: req.method ?? 'GET',
              url: `${m?.[2] || '/'}${m?.[3] ?? ''}`,
              headers: req.headers,
              body,
              sourceIp: req.socket.remoteAddress?.replace(/^::ffff:/, '') ?? '127.0.0.1',
              functionName: fn.functionName,
            })
          : body;
      const context = fakeFcContext({
        functionName: fn.functionName,
        timeoutSeconds: fn.timeoutSeconds ?? 30,
        ...(opts.credentials ? { credentials: opts.credentials } : {}),
      });
      try {
        const result = await fn.handler(event, context);
        finish(fn.kind === 'http' ? httpReplyFrom(result) : jsonReply(200, result));
      } catch (err) {
        finish(errorReply(err));
      }
    })().catch((err: unknown) => finish(jsonReply(400, { error: String(err) })));
  });
  const port = await listenLocal(server, opts.port ?? 0);
  const base = `http://127.0.0.1:${port}`;
  return {
    url: base,
    port,
    urls: Object.fromEntries(opts.functions.map((f) => [f.name, `${base}/${f.name}`])),
    close: () => closeServer(server),
  };
}

function send(res: ServerResponse, r: HttpReply): void {
  if (res.destroyed || res.writableEnded) return;
  res.writeHead(r.statusCode, { ...r.headers, 'content-length': String(r.body.length) });
  res.end(r.body);
}
