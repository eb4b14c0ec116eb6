import { OpenApiRequest, Params } from '@alicloud/openapi-client';
import type { RuntimeOptions } from '@alicloud/tea-util';
import { createOpenApiClient, type OpenApiClientInstance } from '../aliyun/openapi.js';
import type { CredentialSource } from '../credentials.js';
import { InvokeError } from './errors.js';
import { assertTaskId, invokeFailure, orInvokeError } from './failure.js';
import type { AsyncInvocation, InvokeAsyncOptions, Invoker, SyncInvocation } from './types.js';

export const FC3_API_VERSION = '2023-03-30';

/** FC function names: letters, digits, `_` and `-`, starting with a letter or `_`, at most 128 characters. */
export const FUNCTION_NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_-]{0,127}$/;

export interface Fc3InvokerOptions {
  /** The Alibaba Cloud account that owns the function (FC sets `FC_ACCOUNT_ID` in every function). */
  accountId: string;
  regionId: string;
  credentials: CredentialSource;
  /** Host (optionally `host:port`) without scheme. Default `<accountId>.<regionId>.fc.aliyuncs.com`. */
  endpoint?: string;
  protocol?: 'https' | 'http';
  /** Version or alias to invoke; default `LATEST`. */
  qualifier?: string;
  connectTimeoutMs?: number;
  readTimeoutMs?: number;
}

/** The endpoint rule of the FC 3.0 SDK. */
export function defaultFc3Endpoint(accountId: string, regionId: string): string {
  return `${accountId}.${regionId}.fc.aliyuncs.com`;
}

/**
 * {@link Invoker} on the FC 3.0 API (`POST /2023-03-30/functions/{name}/invocations`, ACS3-HMAC-SHA256).
 *
 * Built on `@alicloud/openapi-client`'s generic `callApi` rather than `@alicloud/fc20230330`: the product SDK
 * adds 32 MB (moment, moment-timezone, lodash) and ~300 ms of require time to the cold start of every
 * function that bundles it, and wants the body as a stream; the request it sends is exactly this one
 * (see reference/libraries.md §5), and the generic client is already in the bundle for SAE.
 */
export class Fc3Invoker implements Invoker {
  readonly api = 'fc3' as const;
  readonly #client: OpenApiClientInstance;
  readonly #runtime: RuntimeOptions;
  readonly #qualifier: string;

  constructor(opts: Fc3InvokerOptions) {
    const { client, runtime } = createOpenApiClient(
      {
        regionId: opts.regionId,
        credentials: opts.credentials,
        ...(opts.endpoint ? { endpoint: opts.endpoint } : {}),
        ...(opts.protocol ? { protocol: opts.protocol } : {}),
        connectTimeoutMs: opts.connectTimeoutMs ?? 3_000,
        readTimeoutMs: opts.readTimeoutMs ?? 10_000,
      },
      defaultFc3Endpoint(opts.accountId, opts.regionId),
    );
    this.#client = client;
    this.#runtime = runtime;
    this.#qualifier = opts.qualifier ?? 'LATEST';
  }

  async invokeAsync(
    functionName: string,
    payload: Buffer | string,
    opts: InvokeAsyncOptions,
  ): Promise<AsyncInvocation> {
    assertTaskId(functionName, opts.taskId);
    const res = await orInvokeError(
      this.#invoke(functionName, payload, {
        'x-fc-invocation-type': 'Async',
        'x-fc-async-task-id': opts.taskId,
      }),
      (err) => toInvokeError(err, functionName, opts.taskId),
    );
    return { requestId: res.requestId, taskId: opts.taskId };
  }

  async invokeSync(functionName: string, payload: Buffer | string): Promise<SyncInvocation> {
    const res = await orInvokeError(
      this.#invoke(functionName, payload, { 'x-fc-invocation-type': 'Sync' }),
      (err) => toInvokeError(err, functionName, undefined),
    );
    return res;
  }

  async #invoke(
    functionName: string,
    payload: Buffer | string,
    fcHeaders: Record<string, string>,
  ): Promise<SyncInvocation> {
    if (!FUNCTION_NAME_PATTERN.test(functionName)) {
      throw new InvokeError('invalid FC function name', { functionName, retryable: false });
    }
    const params = new Params({
      action: 'InvokeFunction',
      version: FC3_API_VERSION,
      protocol: 'HTTPS',
      pathname: `/${FC3_API_VERSION}/functions/${functionName}/invocations`,
      method: 'POST',
      authType: 'AK',
      style: 'ROA',
      // The event is opaque bytes: sent as-is, and the answer read whole (an async 202 has no body).
      reqBodyType: 'byte',
      bodyType: 'byte',
    });
    const request = new OpenApiRequest({
      headers: { ...fcHeaders, 'content-type': 'application/octet-stream' },
      query: { qualifier: this.#qualifier },
      body: Buffer.isBuffer(payload) ? payload : Buffer.from(payload, 'utf8'),
    });
    const res = (await this.#client.callApi(params, request, this.#runtime)) as {
      statusCode?: number;
      headers?: Record<string, string>;
      body?: Buffer;
    };
    const headers = res.headers ?? {};
    const errorType = headers['x-fc-error-type'];
    return {
      requestId: headers['x-fc-request-id'] ?? '',
      statusCode: res.statusCode ?? 0,
      body: res.body ?? Buffer.alloc(0),
      ...(errorType ? { errorType } : {}),
    };
  }
}

/** Normalises a tea `ResponseError`, a non-JSON error body (`SyntaxError`) or a network error. */
function toInvokeError(err: unknown, functionName: string, taskId: string | undefined): InvokeError {
  if (err instanceof InvokeError) return err;
  const e = err as {
    statusCode?: unknown;
    code?: unknown;
    message?: unknown;
    data?: { RequestId?: unknown; requestId?: unknown };
  };
  const statusCode = typeof e.statusCode === 'number' ? e.statusCode : undefined;
  const code = typeof e.code === 'string' ? e.code : undefined;
  const rid = e.data?.RequestId ?? e.data?.requestId;
  const requestId = typeof rid === 'string' ? rid : undefined;
  return invokeFailure(`FC InvokeFunction ${functionName} failed: ${String(e.message ?? err)}`, {
    functionName,
    taskId,
    statusCode,
    code,
    requestId,
    cause: err,
  });
}
