import { OpenApiRequest, Params } from '@alicloud/openapi-client';
import type { RuntimeOptions } from '@alicloud/tea-util';
import { callApiRead, createOpenApiClient, type OpenApiClientInstance } from '../aliyun/openapi.js';
import type { CredentialSource } from '../credentials.js';
import { type FcFailure, FcInvoker, FUNCTION_NAME_PATTERN } from './adapter.js';
import { InvokeError } from './errors.js';
import type { SyncInvocation } from './types.js';

export const FC3_API_VERSION = '2023-03-30';

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
export class Fc3Invoker extends FcInvoker {
  readonly api = 'fc3' as const;
  protected readonly headerNames = { invocationType: 'x-fc-invocation-type', taskId: 'x-fc-async-task-id' };
  readonly #client: OpenApiClientInstance;
  readonly #runtime: RuntimeOptions;
  readonly #qualifier: string;

  constructor(opts: Fc3InvokerOptions) {
    super();
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

  protected async send(
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
      bodyType: 'binary',
    });
    const request = new OpenApiRequest({
      headers: { ...fcHeaders, 'content-type': 'application/octet-stream' },
      query: { qualifier: this.#qualifier },
      body: Buffer.isBuffer(payload) ? payload : Buffer.from(payload, 'utf8'),
    });
    const res = await callApiRead(this.#client, params, request, this.#runtime);
    const errorType = res.headers['x-fc-error-type'];
    return {
      requestId: res.headers['x-fc-request-id'] ?? '',
      statusCode: res.statusCode,
      body: res.body,
      ...(errorType ? { errorType } : {}),
    };
  }

  /** Reads a tea `ResponseError`, a non-JSON error body (`SyntaxError`) or a network error. */
  protected readFailure(err: unknown, functionName: string): FcFailure {
    const e = err as {
      statusCode?: unknown;
      code?: unknown;
      message?: unknown;
      data?: { RequestId?: unknown; requestId?: unknown };
    };
    const rid = e.data?.RequestId ?? e.data?.requestId;
    return {
      message: `FC InvokeFunction ${functionName} failed: ${String(e.message ?? err)}`,
      statusCode: typeof e.statusCode === 'number' ? e.statusCode : undefined,
      code: typeof e.code === 'string' ? e.code : undefined,
      requestId: typeof rid === 'string' ? rid : undefined,
    };
  }
}
