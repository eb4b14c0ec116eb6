/**
 * Building blocks for adapters on `@alicloud/openapi-client`'s generic `callApi`, shared by the SAE
 * clients (through lib/sae/roa.ts), the CloudMonitor client and the FC invoker.
 */

import { subscribe } from 'node:diagnostics_channel';
import type { Agent, ClientRequest, IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import type { Readable } from 'node:stream';
import type Credentials from '@alicloud/credentials';
import OpenApiModule, { Config, type OpenApiRequest, type Params } from '@alicloud/openapi-client';
import { RuntimeOptions } from '@alicloud/tea-util';
import type { CredentialSource } from '../credentials.js';
import { cjsDefault } from '../interop.js';

export const OpenApiClient = cjsDefault<typeof OpenApiModule.default>(OpenApiModule);
export type OpenApiClientInstance = InstanceType<typeof OpenApiClient>;

/** How to reach and authenticate against one product endpoint (the same options `SaeClient` takes). */
export interface OpenApiClientOptions {
  regionId: string;
  credentials: CredentialSource;
  /** Host (optionally `host:port`) without scheme. Default: the product's regional endpoint. */
  endpoint?: string;
  protocol?: 'https' | 'http';
  connectTimeoutMs?: number;
  readTimeoutMs?: number;
}

/** A client plus the runtime options for each call: one attempt, both timeouts set. */
export function createOpenApiClient(
  opts: OpenApiClientOptions,
  defaultEndpoint: string,
): { client: OpenApiClientInstance; runtime: RuntimeOptions } {
  watchReadTimers();
  const connectTimeout = opts.connectTimeoutMs ?? 3_000;
  const readTimeout = opts.readTimeoutMs ?? 5_000;
  const client = new OpenApiClient(
    new Config({
      regionId: opts.regionId,
      endpoint: opts.endpoint ?? defaultEndpoint,
      protocol: opts.protocol ?? 'https',
      // Both must be set: httpx's socket idle timeout follows connectTimeout (see reference/libraries.md).
      connectTimeout,
      readTimeout,
      credential: credentialAdapter(opts.credentials),
    }),
  );
  // Retries belong to the caller, which knows the deadline and the call budget.
  return { client, runtime: new RuntimeOptions({ autoretry: false, connectTimeout, readTimeout }) };
}

/**
 * openapi-client reads credentials through `credential.getCredential()` on every request; this hands it
 * our {@link CredentialSource} (fresh per FC invocation) without rebuilding the client.
 */
export function credentialAdapter(source: CredentialSource): InstanceType<typeof Credentials.default> {
  const adapter = {
    async getCredential() {
      const c = await source.get();
      return {
        accessKeyId: c.accessKeyId,
        accessKeySecret: c.accessKeySecret,
        securityToken: c.securityToken ?? '',
        type: c.securityToken ? 'sts' : 'access_key',
        providerName: c.securityToken ? 'static_sts' : 'static_ak',
      };
    },
  };
  return adapter as unknown as InstanceType<typeof Credentials.default>;
}

/**
 * An answer in our spelling: each field the schema kept, its name's first letter lower-cased
 * (`ChangeOrderId` → `changeOrderId`), null and undefined dropped as {@link compact} does. The parameter's
 * type has the compiler check that `o` carries every field `T` names (as `Capitalize<K>`) with a fitting
 * type; which fields there are at run time is the schema's choice, so use it where the two list the same.
 */
export function inOurSpelling<T>(
  o: { [K in keyof T as Capitalize<K & string>]: T[K] | undefined | null },
): T {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) {
    if (v !== undefined && v !== null) out[k.charAt(0).toLowerCase() + k.slice(1)] = v;
  }
  return out as T;
}

/** Drops undefined/null fields so results satisfy `exactOptionalPropertyTypes`. */
export function compact<T>(o: { [K in keyof T]-?: T[K] | undefined | null }): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined && v !== null)) as T;
}

/** A 2xx answer with its body read whole. */
export interface ReadAnswer {
  statusCode: number;
  headers: Record<string, string>;
  body: Buffer;
}

/** httpx (under tea, under openapi-client) keeps a request's read timer on its socket under this symbol. */
const HTTPX_READ_TIMER = 'TIMER::READ_TIMER';
const agentsWatched = new WeakSet<Agent>();

let watching = false;

/**
 * From now on, every Alibaba Cloud request's agent (the requests openapi-client sends carry `x-acs-action`)
 * gets {@link clearReadTimersOnFree} before its first answer, so an error answer on a fresh instance is
 * covered too. Called by {@link createOpenApiClient}; once per process.
 */
function watchReadTimers(): void {
  if (watching) return;
  watching = true;
  subscribe('http.client.request.start', (message) => {
    const request = (message as { request?: ClientRequest & { agent?: Agent } }).request;
    if (request?.getHeader('x-acs-action') !== undefined) clearReadTimersOnFree(request.agent);
  });
}

/**
 * Why this exists: httpx arms a read timer per request and keeps it on the (kept-alive) socket; only its
 * own `read` clears it, and openapi-client reads bodies with tea-util's reader instead. So every answer's
 * timer stayed armed for the whole `readTimeout` (5 s), keeping its request, response and socket
 * reachable (~14 MiB of heap after the bench's 1,000-record batch), and when it fired it cleared the timer
 * of whichever request had the socket by then, leaving that one without a read deadline. When the agent
 * takes a socket back (the answer is complete, an error answer too) the timer has done its job: clear it
 * there. No library exposes httpx's agents: each is met on its first request, through node's
 * `http.client.request.start` diagnostics channel ({@link watchReadTimers}). test/sae/client.test.ts
 * and test/sae/read-timers.test.ts fail if an httpx upgrade renames the symbol.
 */
function clearReadTimersOnFree(agent: Agent | undefined): void {
  if (!agent || agentsWatched.has(agent)) return;
  agentsWatched.add(agent);
  let key: symbol | undefined; // found on the first socket that has it: one symbol per httpx module
  agent.on('free', (socket: Socket) => {
    const s = socket as unknown as Record<symbol, unknown>;
    key ??= Object.getOwnPropertySymbols(s).find((k) => k.description === HTTPX_READ_TIMER);
    if (key === undefined || !(key in s)) return;
    clearTimeout(s[key] as NodeJS.Timeout | undefined);
    s[key] = null;
  });
}

/**
 * `client.callApi` for `params` made with `bodyType: 'binary'`, the body then read whole (as openapi-client's
 * `byte` type does) with {@link readWhole}.
 * Error statuses (4xx/5xx) are still read and thrown by callApi.
 */
export async function callApiRead(
  client: OpenApiClientInstance,
  params: Params,
  request: OpenApiRequest,
  runtime: RuntimeOptions,
): Promise<ReadAnswer> {
  const res = (await client.callApi(params, request, runtime)) as {
    statusCode?: number;
    headers?: Record<string, string>;
    body?: IncomingMessage;
  };
  const answer = { statusCode: res.statusCode ?? 0, headers: res.headers ?? {} };
  if (!res.body) return { ...answer, body: Buffer.alloc(0) };
  return { ...answer, body: await readWhole(res.body) };
}

/**
 * The body's bytes, read with plain events as tea-util does (an async iterator costs a promise per chunk).
 * A connection cut before the end makes node emit `error` (ECONNRESET, "aborted"); a stream destroyed
 * without one (httpx aborting its request) only closes — that must fail too, not wait forever.
 */
export function readWhole(stream: Readable): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let ended = false;
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.once('error', reject);
    stream.once('end', () => {
      ended = true;
      resolve(Buffer.concat(chunks));
    });
    stream.once('close', () => {
      if (!ended)
        reject(Object.assign(new Error('the answer closed before its body ended'), { code: 'ECONNRESET' }));
    });
  });
}

/** {@link callApiRead} for an answer whose body is a JSON object (SAE, CloudMonitor): the object. */
export async function callApiJson(
  client: OpenApiClientInstance,
  params: Params,
  request: OpenApiRequest,
  runtime: RuntimeOptions,
): Promise<Record<string, unknown>> {
  return jsonObject((await callApiRead(client, params, request, runtime)).body);
}

/**
 * A JSON object body, read as openapi-client's `json` body type does: tea-util's `parseJSON` (a SyntaxError
 * when it is not JSON) and `assertAsMap`, its error message included.
 */
export function jsonObject(body: Buffer): Record<string, unknown> {
  const value: unknown = JSON.parse(body.toString());
  if (value && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
  throw new Error('The value is not a object');
}
