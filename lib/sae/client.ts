import type Credentials from '@alicloud/credentials';
import OpenApiModule, { Config, OpenApiRequest, Params } from '@alicloud/openapi-client';
import { RuntimeOptions } from '@alicloud/tea-util';
import type { z } from 'zod';
import type { CredentialSource } from '../credentials.js';
import { isValidSaeId } from '../ids.js';
import { cjsDefault } from '../interop.js';
import { classifyCode, SaeError, SaeErrorKind, SaeErrorReason, toSaeError } from './errors.js';
import {
  abortDataSchema,
  applicationStatusDataSchema,
  changeOrderDataSchema,
  changeOrderPageDataSchema,
  envelopeSchema,
} from './schemas.js';
import type {
  ApplicationStatus,
  ChangeOrder,
  ChangeOrderPage,
  ChangeOrderSummary,
  ListChangeOrdersQuery,
  SaeAction,
  SaeApi,
  SaeResult,
} from './types.js';

const OpenApiClient = cjsDefault<typeof OpenApiModule.default>(OpenApiModule);

export interface SaeClientOptions {
  regionId: string;
  credentials: CredentialSource;
  /** Host (optionally `host:port`) without scheme. Default `sae.<regionId>.aliyuncs.com`. */
  endpoint?: string;
  protocol?: 'https' | 'http';
  connectTimeoutMs?: number;
  readTimeoutMs?: number;
}

/** Request shape of each action, copied from the official SDK (`@alicloud/sae20190506`, 2019-05-06, ROA). */
const ROUTES: Record<SaeAction, { method: 'GET' | 'PUT'; pathname: string }> = {
  AbortAndRollbackChangeOrder: {
    method: 'PUT',
    pathname: '/pop/v1/sam/changeorder/AbortAndRollbackChangeOrder',
  },
  DescribeChangeOrder: { method: 'GET', pathname: '/pop/v1/sam/changeorder/DescribeChangeOrder' },
  DescribeApplicationStatus: { method: 'GET', pathname: '/pop/v1/sam/app/describeApplicationStatus' },
  ListChangeOrders: { method: 'GET', pathname: '/pop/v1/sam/changeorder/ListChangeOrders' },
};

/** The regional endpoint rule of the official SDK. */
export function defaultSaeEndpoint(regionId: string): string {
  return `sae.${regionId}.aliyuncs.com`;
}

/**
 * {@link SaeApi} on `@alicloud/openapi-client`'s generic `callApi` (the product SDK is not on the npm
 * registry). Signs with ACS3-HMAC-SHA256; one attempt per call — retry policy belongs to the caller,
 * which knows the invocation's deadline and the SAE call budget.
 */
export class SaeClient implements SaeApi {
  readonly #client: InstanceType<typeof OpenApiClient>;
  readonly #runtime: RuntimeOptions;

  constructor(opts: SaeClientOptions) {
    const connectTimeout = opts.connectTimeoutMs ?? 3_000;
    const readTimeout = opts.readTimeoutMs ?? 5_000;
    this.#client = new OpenApiClient(
      new Config({
        regionId: opts.regionId,
        endpoint: opts.endpoint ?? defaultSaeEndpoint(opts.regionId),
        protocol: opts.protocol ?? 'https',
        // Both must be set: httpx's socket idle timeout follows connectTimeout (see reference/libraries.md).
        connectTimeout,
        readTimeout,
        credential: credentialAdapter(opts.credentials),
      }),
    );
    this.#runtime = new RuntimeOptions({ autoretry: false, connectTimeout, readTimeout });
  }

  async abortAndRollbackChangeOrder(changeOrderId: string): Promise<SaeResult<{ changeOrderId: string }>> {
    const res = await this.#call(
      'AbortAndRollbackChangeOrder',
      { ChangeOrderId: changeOrderId },
      abortDataSchema,
    );
    return { ...res, data: { changeOrderId: res.data.ChangeOrderId ?? changeOrderId } };
  }

  async describeChangeOrder(changeOrderId: string): Promise<SaeResult<ChangeOrder>> {
    const res = await this.#call(
      'DescribeChangeOrder',
      { ChangeOrderId: changeOrderId },
      changeOrderDataSchema,
    );
    const d = res.data;
    return {
      ...res,
      data: compact<ChangeOrder>({
        changeOrderId: d.ChangeOrderId,
        appId: d.AppId,
        appName: d.AppName,
        status: d.Status,
        subStatus: d.SubStatus,
        coTypeCode: d.CoTypeCode,
        createTime: d.CreateTime,
        description: d.Description,
        supportRollback: d.SupportRollback,
      }),
    };
  }

  async describeApplicationStatus(appId: string): Promise<SaeResult<ApplicationStatus>> {
    const res = await this.#call('DescribeApplicationStatus', { AppId: appId }, applicationStatusDataSchema);
    const d = res.data;
    return {
      ...res,
      data: compact<ApplicationStatus>({
        appId: d.AppId,
        lastChangeOrderId: d.LastChangeOrderId,
        lastChangeOrderRunning: d.LastChangeOrderRunning,
        lastChangeOrderStatus: d.LastChangeOrderStatus,
        subStatus: d.SubStatus,
        currentStatus: d.CurrentStatus,
      }),
    };
  }

  async listChangeOrders(q: ListChangeOrdersQuery): Promise<SaeResult<ChangeOrderPage>> {
    const query: Record<string, string> = { AppId: q.appId };
    if (q.currentPage !== undefined) query.CurrentPage = String(q.currentPage);
    if (q.pageSize !== undefined) query.PageSize = String(q.pageSize);
    if (q.coStatus !== undefined) query.CoStatus = String(q.coStatus);
    const res = await this.#call('ListChangeOrders', query, changeOrderPageDataSchema);
    const d = res.data;
    return {
      ...res,
      data: {
        currentPage: d.CurrentPage,
        pageSize: d.PageSize,
        totalSize: d.TotalSize,
        changeOrders: d.ChangeOrderList.map((c) =>
          compact<ChangeOrderSummary>({
            changeOrderId: c.ChangeOrderId,
            appId: c.AppId,
            status: c.Status,
            coTypeCode: c.CoTypeCode,
            createTime: c.CreateTime,
            finishTime: c.FinishTime,
            batchCount: c.BatchCount,
          }),
        ),
      },
    };
  }

  async #call<S extends z.ZodType>(
    action: SaeAction,
    query: Record<string, string>,
    dataSchema: S,
  ): Promise<SaeResult<z.output<S>>> {
    for (const key of ['ChangeOrderId', 'AppId'] as const) {
      const v = query[key];
      if (v !== undefined && !isValidSaeId(v)) {
        // Defence in depth: the event parsers validate too, but nothing unchecked may reach a URL.
        throw new SaeError(`${action}: refusing to send an invalid ${key}`, {
          action,
          kind: SaeErrorKind.Permanent,
          reason: SaeErrorReason.InvalidInput,
          code: 'InvalidParameter.Local',
        });
      }
    }
    const route = ROUTES[action];
    const params = new Params({
      action,
      version: '2019-05-06',
      protocol: 'HTTPS',
      pathname: route.pathname,
      method: route.method,
      authType: 'AK',
      style: 'ROA',
      reqBodyType: 'json',
      bodyType: 'json',
    });
    let body: unknown;
    try {
      const res = await this.#client.callApi(params, new OpenApiRequest({ query }), this.#runtime);
      body = res.body;
    } catch (err) {
      throw toSaeError(action, err);
    }
    return parseEnvelope(action, body, dataSchema);
  }
}

function parseEnvelope<S extends z.ZodType>(
  action: string,
  body: unknown,
  dataSchema: S,
): SaeResult<z.output<S>> {
  const env = envelopeSchema.safeParse(body);
  if (!env.success) {
    throw new SaeError(`${action}: SAE answered 2xx with an unexpected body: ${env.error.message}`, {
      action,
      kind: SaeErrorKind.Retryable,
      code: 'InvalidResponse',
    });
  }
  const e = env.data;
  const meta = { requestId: e.RequestId, ...(e.TraceId ? { traceId: e.TraceId } : {}) };
  // SAE can answer HTTP 200 with Success=false; the real code is then in ErrorCode (or Code).
  const codeStr = e.Code === null || e.Code === undefined ? undefined : String(e.Code);
  if (e.Success === false || (codeStr !== undefined && !/^2\d\d$/.test(codeStr))) {
    const code = e.ErrorCode ?? (codeStr && !/^\d+$/.test(codeStr) ? codeStr : `Code${codeStr ?? ''}`);
    const { kind, reason } = classifyCode(code);
    throw new SaeError(`${action}: ${code}: ${e.Message ?? ''}`, {
      action,
      kind,
      ...(reason ? { reason } : {}),
      code,
      httpStatus: 200,
      requestId: e.RequestId,
    });
  }
  const data = dataSchema.safeParse(e.Data);
  if (!data.success) {
    throw new SaeError(`${action}: SAE returned Data we cannot read: ${data.error.message}`, {
      action,
      kind: SaeErrorKind.Permanent,
      reason: SaeErrorReason.Other,
      code: 'InvalidResponse',
      requestId: e.RequestId,
    });
  }
  return { ...meta, data: data.data };
}

/** Drops undefined/null fields so results satisfy `exactOptionalPropertyTypes`. */
function compact<T>(o: { [K in keyof T]-?: T[K] | undefined | null }): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined && v !== null)) as T;
}

/**
 * openapi-client reads credentials through `credential.getCredential()` on every request. We hand it a
 * minimal object with that method (typed as the SDK's class, which it only duck-types) so credentials
 * come from our {@link CredentialSource} — fresh per FC invocation — without rebuilding the client.
 */
function credentialAdapter(source: CredentialSource): InstanceType<typeof Credentials.default> {
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
