import type Fc2Client from '@alicloud/fc2';
import type { CredentialSource } from '../credentials.js';
import { cjsDefault } from '../interop.js';
import { type FcFailure, FcInvoker, FUNCTION_NAME_PATTERN } from './adapter.js';
import { InvokeError } from './errors.js';
import type { SyncInvocation } from './types.js';

export const FC2_API_VERSION = '2016-08-15';

export interface Fc2InvokerOptions {
  accountId: string;
  regionId: string;
  credentials: CredentialSource;
  /** The FC 2.0 service that holds the functions (FC 2.0 has services; FC 3.0 does not). */
  serviceName: string;
  /** Full URL, e.g. `https://<account>.<region>.fc.aliyuncs.com`. Default: that, built by `@alicloud/fc2`. */
  endpoint?: string;
  /** Service version or alias; default `LATEST`. */
  qualifier?: string;
  timeoutMs?: number;
}

type Fc2ClientClass = typeof Fc2Client;
let loading: Promise<Fc2ClientClass> | undefined;

/**
 * `@alicloud/fc2` weighs 31 MB (ali-oss, axios, core-js…) and takes ~250 ms to require, so it is loaded on
 * first use only: a function that never invokes through FC 2.0 never pays for it. The bundles keep it
 * external because FC's nodejs20 runtime has it built in (see bin/build.mjs).
 */
function loadFc2(): Promise<Fc2ClientClass> {
  // In the CommonJS bundles FC runs, `require` finds the runtime's built-in copy (FC resolves built-in
  // modules for require, which a dynamic import() may not do); from the ESM sources (tsx, vitest), import().
  loading ??= (
    typeof require === 'function'
      ? Promise.resolve(require('@alicloud/fc2') as unknown)
      : import('@alicloud/fc2')
  ).then((m) => cjsDefault<Fc2ClientClass>(m));
  return loading;
}

/**
 * {@link Invoker} on the FC 2.0 API (2016-08-15) through `@alicloud/fc2`, for users whose functions still
 * live in FC 2.0 services. Signs with `FC <AccessKeyId>:<base64 HMAC-SHA256>`; the async task header is
 * `X-Fc-Stateful-Async-Invocation-Id`. Do not use it for FC 3.0 functions: use {@link Fc3Invoker}.
 */
export class Fc2Invoker extends FcInvoker {
  readonly api = 'fc2' as const;
  protected readonly headerNames = {
    invocationType: 'X-Fc-Invocation-Type',
    taskId: 'X-Fc-Stateful-Async-Invocation-Id',
  };
  readonly #opts: Fc2InvokerOptions;

  constructor(opts: Fc2InvokerOptions) {
    super();
    this.#opts = opts;
  }

  protected async send(
    functionName: string,
    payload: Buffer | string,
    headers: Record<string, string>,
  ): Promise<SyncInvocation> {
    if (!FUNCTION_NAME_PATTERN.test(functionName) || !FUNCTION_NAME_PATTERN.test(this.#opts.serviceName)) {
      throw new InvokeError('invalid FC service or function name', { functionName, retryable: false });
    }
    const Client = await loadFc2();
    const creds = await this.#opts.credentials.get();
    // The SDK takes credentials at construction; a client per call picks up rotated STS credentials.
    const client = new Client(this.#opts.accountId, {
      accessKeyID: creds.accessKeyId,
      accessKeySecret: creds.accessKeySecret,
      ...(creds.securityToken ? { securityToken: creds.securityToken } : {}),
      region: this.#opts.regionId,
      secure: true,
      ...(this.#opts.endpoint ? { endpoint: this.#opts.endpoint } : {}),
      timeout: this.#opts.timeoutMs ?? 10_000,
    });
    const res = await client.invokeFunction(
      this.#opts.serviceName,
      functionName,
      payload,
      headers,
      this.#opts.qualifier ?? 'LATEST',
      { rawBuf: true },
    );
    const errorType = res.headers['x-fc-error-type'];
    const body = Buffer.isBuffer(res.data)
      ? res.data
      : Buffer.from(typeof res.data === 'string' ? res.data : JSON.stringify(res.data ?? null), 'utf8');
    return {
      requestId: res.headers['x-fc-request-id'] ?? '',
      statusCode: 200,
      body,
      ...(errorType ? { errorType } : {}),
    };
  }

  /** fc2 errors carry `code` (FC's ErrorCode) and the status only inside the message ("failed with 409"). */
  protected readFailure(err: unknown, functionName: string): FcFailure {
    const e = err as { code?: unknown; message?: unknown };
    const message = String(e.message ?? err);
    const m = /failed with (\d{3})\. requestid: ([^,]*),/.exec(message);
    return {
      message: `FC 2.0 InvokeFunction ${functionName} failed: ${message}`,
      statusCode: m?.[1] ? Number(m[1]) : undefined,
      code: typeof e.code === 'string' ? e.code : undefined,
      requestId: m?.[2] && m[2] !== 'undefined' ? m[2] : undefined,
    };
  }
}
