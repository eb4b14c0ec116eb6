import { OpenApiRequest, Params } from '@alicloud/openapi-client';
import { ApiErrorKind, ApiErrorReason } from '../aliyun/errors.js';
import {
  callApiJson,
  compact,
  createOpenApiClient,
  type OpenApiClientInstance,
  type OpenApiClientOptions,
} from '../aliyun/openapi.js';
import { CmsError, classifyCmsCode, toCmsError } from './errors.js';
import { levelsOf, metricRuleListSchema, parseRuleDimensions } from './schemas.js';
import type { CmsAction, CmsApi, CmsResult, MetricRule, MetricRulePage, MetricRuleQuery } from './types.js';

export type CmsClientOptions = OpenApiClientOptions;

/** CMS's regional endpoint. */
export function defaultCmsEndpoint(regionId: string): string {
  return `metrics.${regionId}.aliyuncs.com`;
}

// The doc: keys and values "1 to 64 bytes … letters, digits, periods, hyphens, underscores, forward
// slashes, and backslashes". Anything else is refused before it reaches a request.
const DIMENSION_PART = /^[A-Za-z0-9._\-/\\]{1,64}$/;
const NAMESPACE = /^[A-Za-z0-9._-]{1,64}$/;

function invalid(action: CmsAction, why: string): CmsError {
  return new CmsError(`${action}: refusing to send ${why}`, {
    action,
    kind: ApiErrorKind.Permanent,
    reason: ApiErrorReason.InvalidInput,
    code: 'InvalidParameter.Local',
  });
}

/** The wire query of DescribeMetricRuleList, or why it would be refused. */
function ruleListQuery(q: MetricRuleQuery): Record<string, string> | string {
  if (!Number.isInteger(q.page) || q.page < 1) return 'a page that is not a positive integer';
  if (!Number.isInteger(q.pageSize) || q.pageSize < 1) return 'a pageSize that is not a positive integer';
  if (q.namespace !== undefined && !NAMESPACE.test(q.namespace)) return 'an invalid namespace';
  const query: Record<string, string> = { Page: String(q.page), PageSize: String(q.pageSize) };
  if (q.namespace !== undefined) query.Namespace = q.namespace;
  if (q.dimensions !== undefined) {
    if (q.namespace === undefined) return 'dimensions without a namespace (CMS requires both)';
    const entries = Object.entries(q.dimensions);
    if (
      entries.length === 0 ||
      !entries.every(([k, v]) => DIMENSION_PART.test(k) && DIMENSION_PART.test(v))
    ) {
      return 'invalid dimensions';
    }
    query.Dimensions = JSON.stringify(q.dimensions);
  }
  if (q.ruleIds !== undefined) {
    if (q.ruleIds.length > 20 || q.ruleIds.some((id) => !/^[A-Za-z0-9._:-]{1,128}$/.test(id))) {
      return 'invalid ruleIds (at most 20)';
    }
    query.RuleIds = q.ruleIds.join(',');
  }
  if (q.alertState !== undefined) query.AlertState = q.alertState;
  if (q.metricName !== undefined) query.MetricName = q.metricName;
  if (q.ruleName !== undefined) query.RuleName = q.ruleName;
  if (q.enableState !== undefined) query.EnableState = String(q.enableState);
  return query;
}

/**
 * {@link CmsApi} on `@alicloud/openapi-client`'s generic `callApi`, with the official SDK's Params
 * (`@alicloud/cms20190101` describeMetricRuleList: version 2019-01-01, RPC, POST `/`, formData, every
 * parameter in the query). Signed with ACS3-HMAC-SHA256; one attempt per call.
 */
export class CmsClient implements CmsApi {
  readonly #client: OpenApiClientInstance;
  readonly #runtime: ReturnType<typeof createOpenApiClient>['runtime'];

  constructor(opts: CmsClientOptions) {
    const { client, runtime } = createOpenApiClient(opts, defaultCmsEndpoint(opts.regionId));
    this.#client = client;
    this.#runtime = runtime;
  }

  async describeMetricRuleList(q: MetricRuleQuery): Promise<CmsResult<MetricRulePage>> {
    const action = 'DescribeMetricRuleList';
    const query = ruleListQuery(q);
    if (typeof query === 'string') throw invalid(action, query);
    const body = await this.#call(action, query);
    const parsed = metricRuleListSchema.safeParse(body);
    if (!parsed.success) {
      throw new CmsError(
        `${action}: CloudMonitor answered 2xx with an unexpected body: ${parsed.error.message}`,
        {
          action,
          kind: ApiErrorKind.Retryable,
          code: 'InvalidResponse',
        },
      );
    }
    const b = parsed.data;
    const code = b.Code === null || b.Code === undefined ? undefined : String(b.Code);
    // CMS may answer HTTP 200 with Success=false and the real code in Code.
    if (b.Success === false || (code !== undefined && code !== '200')) {
      const failCode = code ?? 'Unknown';
      throw new CmsError(`${action}: ${failCode}: ${b.Message ?? ''}`, {
        action,
        ...classifyCmsCode(failCode),
        code: failCode,
        httpStatus: 200,
        requestId: b.RequestId,
      });
    }
    const rules = b.Alarms.map((a) =>
      compact<MetricRule>({
        ruleId: a.RuleId,
        ruleName: a.RuleName,
        namespace: a.Namespace,
        metricName: a.MetricName,
        alertState: a.AlertState,
        enableState: a.EnableState,
        dimensions: parseRuleDimensions(a.Dimensions),
        levels: levelsOf(a),
      }),
    );
    return {
      requestId: b.RequestId,
      data: { page: q.page, pageSize: q.pageSize, total: b.Total ?? rules.length, rules },
    };
  }

  async #call(action: CmsAction, query: Record<string, string>): Promise<unknown> {
    const params = new Params({
      action,
      version: '2019-01-01',
      protocol: 'HTTPS',
      pathname: '/',
      method: 'POST',
      authType: 'AK',
      style: 'RPC',
      reqBodyType: 'formData',
      bodyType: 'binary',
    });
    try {
      return await callApiJson(this.#client, params, new OpenApiRequest({ query }), this.#runtime);
    } catch (err) {
      throw toCmsError(action, err);
    }
  }
}
