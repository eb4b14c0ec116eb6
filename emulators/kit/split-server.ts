/**
 * The server of an emulator whose admin and API handlers read their own bodies and answer their own errors
 * (the POP emulators, SAE and CloudMonitor): requests under `adminPrefix` go to `admin`, the rest to `api`.
 * Reaching the catch means the socket broke mid-reply. `close()` is idempotent.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { closeServer, listenLocal } from '../http.js';

type Handler = (req: IncomingMessage, res: ServerResponse) => Promise<unknown>;

export interface SplitServer {
  readonly port: number;
  /** `http://127.0.0.1:<port>`. */
  readonly url: string;
  /** `127.0.0.1:<port>`, what the SDKs take as an endpoint. */
  readonly endpoint: string;
  close(): Promise<void>;
}

export async function startSplitServer(opts: {
  name: string;
  port?: number | undefined;
  adminPrefix: string;
  admin: Handler;
  api: Handler;
}): Promise<SplitServer> {
  const server = createServer((req, res) => {
    const handled = req.url?.startsWith(opts.adminPrefix) ? opts.admin(req, res) : opts.api(req, res);
    handled.catch((err: unknown) => {
      if (!res.headersSent) res.writeHead(500).end();
      process.emitWarning(`${opts.name} emulator: ${err instanceof Error ? err.message : String(err)}`);
    });
  });
  const port = await listenLocal(server, opts.port ?? 0);
  let closed: Promise<void> | undefined;
  return {
    port,
    url: `http://127.0.0.1:${port}`,
    endpoint: `127.0.0.1:${port}`,
    close() {
      closed ??= closeServer(server);
      return closed;
    },
  };
}

/** What a running POP emulator shows besides its own controls: its server, call log and credentials. */
export interface PopEmulatorBase<Credential, Call> extends SplitServer {
  /**
   * Every API request received, rejected ones included, oldest first; `query` holds query and form
   * parameters. Admin requests are not logged.
   */
  readonly calls: readonly Call[];
  addCredential(credential: Credential): void;
}

/** The base of a POP emulator's controls; `calls` reads the log live, so a cleared log shows as cleared. */
export function popEmulatorBase<Credential, Call>(
  server: SplitServer,
  calls: () => readonly Call[],
  addCredential: (credential: Credential) => void,
): PopEmulatorBase<Credential, Call> {
  return {
    port: server.port,
    url: server.url,
    endpoint: server.endpoint,
    get calls() {
      return calls();
    },
    close: () => server.close(),
    addCredential,
  };
}
