import { compact, inOurSpelling } from '../aliyun/openapi.js';
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
import type { SaeCall, SaeClientOptions, SaeRoute } from './roa.js';
import { pagingQuery, refuseLocally, saeCaller, withData, withPage } from './roa.js';
import type { SaeResult } from './types.js';

/** Same construction options as `SaeClient`. */
export type SaeAppClientOptions = SaeClientOptions;

/**
 * Request shape of each action, copied from the official SDK (aliyun/alibabacloud-typescript-sdk
 * `sae-20190506/src/client.ts`: listApplicationsWithOptions, listAppVersionsWithOptions,
 * rollbackApplicationWithOptions; version 2019-05-06, ROA, every parameter in the query).
 */
const ROUTES: Record<SaeAppAction, SaeRoute> = {
  ListApplications: { method: 'GET', pathname: '/pop/v1/sam/app/listApplications' },
  ListAppVersions: { method: 'GET', pathname: '/pop/v1/sam/app/listAppVersions' },
  RollbackApplication: { method: 'PUT', pathname: '/pop/v1/sam/app/rollbackApplication' },
};

/** `cn-hangzhou` or `cn-hangzhou:prod`: what SAE namespace IDs look like. */
const NAMESPACE_ID = /^[a-z0-9-]{2,32}(:[A-Za-z0-9_-]{1,64})?$/;

/** Newest first by CreateTime; the sort is stable, so SAE's order stands for ties and unknown times. */
function newestFirst(versions: AppVersion[]): AppVersion[] {
  return [...versions].sort((a, b) => (b.createdAt ?? -Infinity) - (a.createdAt ?? -Infinity) || 0);
}

/**
 * {@link SaeAppApi} on `@alicloud/openapi-client`'s generic `callApi`, like `SaeClient`: signed with
 * ACS3-HMAC-SHA256, one attempt per call, errors classified by lib/sae/errors.ts.
 */
export class SaeAppClient implements SaeAppApi {
  readonly #call: SaeCall<SaeAppAction>;

  constructor(opts: SaeAppClientOptions) {
    this.#call = saeCaller(opts, ROUTES, ['AppId', 'VersionId']);
  }

  async listApplications(q: ListApplicationsQuery = {}): Promise<SaeResult<ApplicationPage>> {
    const action = 'ListApplications';
    const query = pagingQuery(action, q);
    if (q.namespaceId !== undefined) {
      if (!NAMESPACE_ID.test(q.namespaceId)) throw refuseLocally(action, 'an invalid NamespaceId');
      query.NamespaceId = q.namespaceId;
    }
    if (q.appName !== undefined) {
      if (!/^[^\p{Cc}]{1,128}$/u.test(q.appName)) throw refuseLocally(action, 'an invalid AppName');
      query.AppName = q.appName;
    }
    const res = await this.#call(action, query, applicationPageDataSchema());
    return withPage(res, (d) => ({
      applications: d.Applications.map((a) => inOurSpelling<ApplicationSummary>(a)),
    }));
  }

  async listAppVersions(appId: string): Promise<SaeResult<AppVersion[]>> {
    const res = await this.#call('ListAppVersions', { AppId: appId }, appVersionsDataSchema());
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
      if (!Number.isInteger(v) || v < -1) throw refuseLocally(action, `an invalid ${name}`);
      query[name] = String(v);
    }
    if (input.updateStrategy !== undefined) query.UpdateStrategy = input.updateStrategy;
    if (input.autoEnableApplicationScalingRule !== undefined) {
      query.AutoEnableApplicationScalingRule = String(input.autoEnableApplicationScalingRule);
    }
    const res = await this.#call(action, query, rollbackDataSchema());
    return withData(res, (d) =>
      compact<RollbackApplicationResult>({
        changeOrderId: d.ChangeOrderId,
        isNeedApproval: d.IsNeedApproval,
      }),
    );
  }
}
