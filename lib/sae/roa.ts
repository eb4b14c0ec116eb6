import { OpenApiRequest, Params } from '@alicloud/openapi-client';
import type { RuntimeOptions } from '@alicloud/tea-util';
import type { z } from 'zod';
import { numericCode, popErrorCode } from '../aliyun/errors.js';
import {
  callApiJson,
  createOpenApiClient,
  type OpenApiClientInstance,
  type OpenApiClientOptions,
} from '../aliyun/openapi.js';
import { isValidSaeId } from '../ids.js';
import { classifyCode, SaeError, SaeErrorKind, SaeErrorReason, toSaeError } from './errors.js';
import { envelopeSchema } from './schemas.js';
import type { SaeResult } from './types.js';

/** Where an SAE action lives: method and path, as the official SDK's Params give them. */
export interface SaeRoute {
  method: 'GET' | 'PUT';
  pathname: string;
}

/** Endpoint (default `sae.<regionId>.aliyuncs.com`), protocol, timeouts and the credential source. */
export type SaeClientOptions = OpenApiClientOptions;

/** The regional endpoint rule of the official SDK. */
export function defaultSaeEndpoint(regionId: string): string {
  return `sae.${regionId}.aliyuncs.com`;
}

/** One call of an SAE client's `action` with this query, its `Data` parsed by `dataSchema`. */
export type SaeCall<A extends string> = <S extends z.ZodType>(
  action: A,
  query: Record<string, string>,
  dataSchema: S,
) => Promise<SaeResult<z.output<S>>>;

/**
 * What every SAE client is built on: one openapi-client made from the options, the client's route per
 * action, and the query keys that carry SAE IDs (checked before they reach a URL), bound into one
 * {@link callSae}. `SaeClient` and `SaeAppClient` keep only their actions.
 */
export function saeCaller<A extends string>(
  opts: SaeClientOptions,
  routes: Readonly<Record<A, SaeRoute>>,
  idKeys: readonly string[],
): SaeCall<A> {
  const target = createOpenApiClient(opts, defaultSaeEndpoint(opts.regionId));
  return (action, query, dataSchema) => callSae(target, action, routes[action], query, dataSchema, idKeys);
}

/** A local refusal: the request would carry something we never send to SAE. */
export function refuseLocally(action: string, why: string): SaeError {
  return new SaeError(`${action}: refusing to send ${why}`, {
    action,
    kind: SaeErrorKind.Permanent,
    reason: SaeErrorReason.InvalidInput,
    code: 'InvalidParameter.Local',
  });
}

/**
 * One SAE call (2019-05-06, ROA, every parameter in the query) through openapi-client's `callApi`
 * with the official SDK's Params: IDs checked before they reach the URL, every failure classified once,
 * the envelope and `Data` parsed. Shared by every SAE client.
 */
export async function callSae<S extends z.ZodType>(
  target: { client: OpenApiClientInstance; runtime: RuntimeOptions },
  action: string,
  route: SaeRoute,
  query: Record<string, string>,
  dataSchema: S,
  idKeys: readonly string[],
): Promise<SaeResult<z.output<S>>> {
  for (const key of idKeys) {
    const v = query[key];
    // Defence in depth: the event parsers validate too, but nothing unchecked may reach a URL.
    if (v !== undefined && !isValidSaeId(v)) throw refuseLocally(action, `an invalid ${key}`);
  }
  const params = new Params({
    action,
    version: '2019-05-06',
    protocol: 'HTTPS',
    pathname: route.pathname,
    method: route.method,
    authType: 'AK',
    style: 'ROA',
    reqBodyType: 'json',
    bodyType: 'binary',
  });
  let body: unknown;
  try {
    body = await callApiJson(target.client, params, new OpenApiRequest({ query }), target.runtime);
  } catch (err) {
    throw toSaeError(action, err);
  }
  return parseSaeEnvelope(action, body, dataSchema);
}

/** The SAE envelope: HTTP 200 with `Success: false` (or a non-2xx `Code`) is a failure too. */
export function parseSaeEnvelope<S extends z.ZodType>(
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
    // The same reading as for thrown errors (lib/aliyun/errors.ts): ErrorCode whenever Code is a status.
    const code = popErrorCode(e.Code, e.ErrorCode) ?? `Code${codeStr ?? ''}`;
    const { kind, reason } = classifyCode(code, numericCode(e.Code));
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

/** `res` with its `data` mapped by `f` (the call's request ID and other metadata kept). */
export function withData<T, U>(res: SaeResult<T>, f: (d: T) => U): SaeResult<U> {
  return { ...res, data: f(res.data) };
}

/** The paging fields every SAE list answer carries. */
export interface SaePaging {
  CurrentPage: number;
  PageSize: number;
  TotalSize: number;
}

/**
 * A list call's paging parameters as SAE takes them (`CurrentPage`, `PageSize`), refused locally unless
 * they are positive integers: SAE would answer 0, -1 or 1.5 with an error, or with a page we did not ask for.
 */
export function pagingQuery(
  action: string,
  q: { currentPage?: number; pageSize?: number },
): Record<string, string> {
  const query: Record<string, string> = {};
  for (const [name, key] of [
    ['currentPage', 'CurrentPage'],
    ['pageSize', 'PageSize'],
  ] as const) {
    const v = q[name];
    if (v === undefined) continue;
    if (!Number.isInteger(v) || v < 1)
      throw refuseLocally(action, `a ${name} that is not a positive integer`);
    query[key] = String(v);
  }
  return query;
}

/** The paging fields in our spelling. */
export interface Paging {
  currentPage: number;
  pageSize: number;
  totalSize: number;
}

/**
 * A list answer in our spelling: its paging fields plus what `f` makes of its items (the call's request ID
 * and other metadata kept).
 */
export function withPage<D extends SaePaging, T>(res: SaeResult<D>, f: (d: D) => T): SaeResult<Paging & T> {
  return withData(res, (d) => ({
    currentPage: d.CurrentPage,
    pageSize: d.PageSize,
    totalSize: d.TotalSize,
    ...f(d),
  }));
}
