/**
 * The emulators' HTTP server: 127.0.0.1 only, the whole body read before anything else (signatures are
 * checked over the raw bytes), `/__admin/*` answered from a route table, everything else by the emulator's
 * API handler. `close()` cuts short any request held by a latency fault, then drops kept-alive sockets.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { closeServer, listenLocal, readBody, sendJson } from '../http.js';
import { type AdminRoutes, routeAdmin } from './admin.js';
import type { Sleeps } from './faults.js';

export interface EmulatorServerOptions {
  port?: number | undefined;
  admin: AdminRoutes;
  /** Every request outside `/__admin/`, with its whole body. */
  handle(req: IncomingMessage, res: ServerResponse, body: Buffer): Promise<void>;
  /** The body was over the limit, or the handler threw: answer in the API's own shape. */
  onFailure(req: IncomingMessage, res: ServerResponse, err: unknown): void;
  /** Held requests to release on close. */
  sleeps?: Sleeps | undefined;
  maxBodyBytes?: number | undefined;
}

export interface EmulatorServer {
  readonly port: number;
  /** `http://127.0.0.1:<port>`. */
  readonly url: string;
  close(): Promise<void>;
}

export async function startEmulatorServer(opts: EmulatorServerOptions): Promise<EmulatorServer> {
  const server = createServer((req, res) => {
    readBody(req, opts.maxBodyBytes)
      .then(async (body) => {
        const url = new URL(req.url ?? '/', 'http://emulator');
        if (url.pathname.startsWith('/__admin/')) {
          sendJson(res, ...routeAdmin(opts.admin, req.method ?? '', url, body));
          return;
        }
        await opts.handle(req, res, body);
      })
      .catch((err: unknown) => {
        if (!res.headersSent) opts.onFailure(req, res, err);
      });
  });
  const port = await listenLocal(server, opts.port ?? 0);
  return {
    port,
    url: `http://127.0.0.1:${port}`,
    async close() {
      opts.sleeps?.cancelAll();
      await closeServer(server);
    },
  };
}
