import { OpenApiRequest, Params } from '@alicloud/openapi-client';
import type { z } from 'zod';
import {
  compact,
  createOpenApiClient,
  type OpenApiClientInstance,
  type OpenApiClientOptions,
} from '../aliyun/openapi.js';
import { isValidSaeId } from '../ids.js';
import { applicationPageDataSchema, appVersionsDataSchema, rollbackDataSchema } from './app-schemas.js';
import type {
  ApplicationPage,
  ApplicationSummary,
  AppVersion,
  ListApplicationsQuery,
  RollbackApplicationInput,
  RollbackApplicationResult,
  SaeAppAction,
  SaeAppApi,
} from './app-types.js';
import { defaultSaeEndpoint } from './client.js';
import { classifyCode, SaeError, SaeErrorKind, SaeErrorReason, toSaeError } from './errors.js';
import { envelopeSchema } from './schemas.js';
import type { SaeResult } from './types.js';

/** Same construction options as `SaeClient`. */
export type SaeAppClientOptions = OpenApiClientOptions;

/**
 * Request shape of each action, copied from the official SDK (aliyun/alibabacloud-typescript-sdk
 * `sae-20190506/src/client.ts`: listApplicationsWithOptions, listAppVersionsWithOptions,
 * rollbackApplicationWithOptions; version 2019-05-06, ROA, every parameter in the query).
 */
const ROUTES: Record<SaeAppAction, { method: 'GET' | 'PUT'; pathname: string }> = {
  ListApplications: { method: 'GET', pathname: '/pop/v1/sam/app/listApplications' },
  ListAppVersions: { method: 'GET', pathname: '/pop/v1/sam/app/listAppVersions' },
  RollbackApplication: { method: 'PUT', pathname: '/pop/v1/sam/app/rollbackApplication' },
};

/** `cn-hangzhou` or `cn-hangzhou:prod`: what SAE namespace IDs look like. */
const NAMESPACE_ID = /^[a-z0-9-]{2,32}(:[A-Za-z0-9_-]{1,64})?$/;

function refuse(action: SaeAppAction, why: string): SaeError {
  return new SaeError(`${action}: refusing to send ${why}`, {
    action,
    kind: SaeErrorKind.Permanent,
    reason: SaeErrorReason.InvalidInput,
    code: 'InvalidParameter.Local',
  });
}

function positive(action: SaeAppAction, name: string, v: number | undefined): string | undefined {
  if (v === undefined) return undefined;
  if (!Number.isInteger(v) || v < 1) throw refuse(action, `a ${name} that is not a positive integer`);
  return String(v);
}

/** Newest first by CreateTime; the sort is stable, so SAE's order stands for ties and unknown times. */
function newestFirst(versions: AppVersion[]): AppVersion[] {
  return [...versions].sort((a, b) => (b.createdAt ?? -Infinity) - (a.createdAt ?? -Infinity) || 0);
}

/**
 * {@link SaeAppApi} on `@alicloud/openapi-client`'s generic `callApi`, like `SaeClient`: signed with
 * ACS3-HMAC-SHA256, one attempt per call, errors classified by lib/sae/errors.ts.
 */
export class SaeAppClient implements SaeAppApi {
  readonly #client: OpenApiClientInstance;
  readonly #runtime: ReturnType<typeof createOpenApiClient>['runtime'];

  constructor(opts: SaeAppClientOptions) {
    const { client, runtime } = createOpenApiClient(opts, defaultSaeEndpoint(opts.regionId));
    this.#client = client;
    this.#runtime = runtime;
  }

  async listApplications(q: ListApplicationsQuery = {}): Promise<SaeResult<ApplicationPage>> {
    const action = 'ListApplications';
    const query: Record<string, string> = {};
    if (q.namespaceId !== undefined) {
      if (!NAMESPACE_ID.test(q.namespaceId)) throw refuse(action, 'an invalid NamespaceId');
      query.NamespaceId = q.namespaceId;
    }
    if (q.appName !== undefined) {
      if (!/^[^\p{Cc}]{1,128}$/u.test(q.appName)) throw refuse(action, 'an invalid AppName');
      query.AppName = q.appName;
    }
    const page = positive(action, 'currentPage', q.currentPage);
    if (page !== undefined) query.CurrentPage = page;
    const size = positive(action, 'pageSize', q.pageSize);
    if (size !== undefined) query.PageSize = size;
    const res = await this.#call(action, query, applicationPageDataSchema);
    const d = res.data;
    return {
      ...res,
      data: {
        currentPage: d.CurrentPage,
        pageSize: d.PageSize,
        totalSize: d.TotalSize,
        applications: d.Applications.map((a) =>
          compact<ApplicationSummary>({
            appId: a.AppId,
            appName: a.AppName,
            namespaceId: a.NamespaceId,
            regionId: a.RegionId,
            instances: a.Instances,
            runningInstances: a.RunningInstances,
          }),
        ),
      },
    };
  }

  async listAppVersions(appId: string): Promise<SaeResult<AppVersion[]>> {
    const res = await this.#call('ListAppVersions', { AppId: appId }, appVersionsDataSchema);
    const versions = res.data.map((v) =>
      compact<AppVersion>({
        versionId: v.Id,
        type: v.Type,
        createTime: v.CreateTime,
        createdAt: v.CreateTime && /^\d+$/.test(v.CreateTime) ? Number(v.CreateTime) : undefined,
        imageUrl: v.ImageUrl ?? (v.Type === 'image' ? v.WarUrl : undefined),
        buildPackageUrl: v.BuildPackageUrl ?? (v.Type === 'image' ? undefined : v.WarUrl),
      }),
    );
    return { ...res, data: newestFirst(versions) };
  }

  async rollbackApplication(input: RollbackApplicationInput): Promise<SaeResult<RollbackApplicationResult>> {
    const action = 'RollbackApplication';
    const query: Record<string, string> = { AppId: input.appId, VersionId: input.versionId };
    const ints = {
      MinReadyInstances: input.minReadyInstances,
      MinReadyInstanceRatio: input.minReadyInstanceRatio,
      BatchWaitTime: input.batchWaitTime,
    };
    for (const [name, v] of Object.entries(ints)) {
      if (v === undefined) continue;
      if (!Number.isInteger(v) || v < -1) throw refuse(action, `an invalid ${name}`);
      query[name] = String(v);
    }
    if (input.updateStrategy !== undefined) query.UpdateStrategy = input.updateStrategy;
    if (input.autoEnableApplicationScalingRule !== undefined) {
      query.AutoEnableApplicationScalingRule = String(input.autoEnableApplicationScalingRule);
    }
    const res = await this.#call(action, query, rollbackDataSchema);
    return { ...res, data: compact<RollbackApplicationResult>({ changeOrderId: res.data.ChangeOrderId }) };
  }

  async #call<S extends z.ZodType>(
    action: SaeAppAction,
    query: Record<string, string>,
    dataSchema: S,
  ): Promise<SaeResult<z.output<S>>> {
    for (const key of ['AppId', 'VersionId'] as const) {
      const v = query[key];
      // Defence in depth: nothing unchecked may reach a URL.
      if (v !== undefined && !isValidSaeId(v)) throw refuse(action, `an invalid ${key}`);
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
      body = (await this.#client.callApi(params, new OpenApiRequest({ query }), this.#runtime)).body;
    } catch (err) {
      throw withNamespaceNotFound(toSaeError(action, err));
    }
    return parseSaeBody(action, body, dataSchema);
  }
}

/**
 * lib/sae/errors.ts (not ours to change) predates ListApplications and files `InvalidNamespaceId.NotFound`
 * under permanent/other; it is a not-found like `InvalidAppId.NotFound`, so say so here.
 */
function withNamespaceNotFound(err: SaeError): SaeError {
  if (err.code !== 'InvalidNamespaceId.NotFound' || err.reason === SaeErrorReason.NotFound) return err;
  return new SaeError(err.message, {
    action: err.action,
    kind: SaeErrorKind.Permanent,
    reason: SaeErrorReason.NotFound,
    code: err.code,
    ...(err.httpStatus !== undefined ? { httpStatus: err.httpStatus } : {}),
    ...(err.requestId !== undefined ? { requestId: err.requestId } : {}),
    cause: err.cause,
  });
}

/** The SAE envelope, as `SaeClient` reads it: HTTP 200 with `Success: false` is a failure too. */
function parseSaeBody<S extends z.ZodType>(
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
