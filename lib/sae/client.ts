import { inOurSpelling } from '../aliyun/openapi.js';
import type { SaeCall, SaeClientOptions, SaeRoute } from './roa.js';
import { pagingQuery, refuseLocally, saeCaller, withData, withPage } from './roa.js';
import {
  abortDataSchema,
  applicationStatusDataSchema,
  changeOrderDataSchema,
  changeOrderPageDataSchema,
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

export { defaultSaeEndpoint, type SaeClientOptions } from './roa.js';

/** Request shape of each action, copied from the official SDK (`@alicloud/sae20190506`, 2019-05-06, ROA). */
const ROUTES: Record<SaeAction, SaeRoute> = {
  AbortAndRollbackChangeOrder: {
    method: 'PUT',
    pathname: '/pop/v1/sam/changeorder/AbortAndRollbackChangeOrder',
  },
  DescribeChangeOrder: { method: 'GET', pathname: '/pop/v1/sam/changeorder/DescribeChangeOrder' },
  DescribeApplicationStatus: { method: 'GET', pathname: '/pop/v1/sam/app/describeApplicationStatus' },
  ListChangeOrders: { method: 'GET', pathname: '/pop/v1/sam/changeorder/ListChangeOrders' },
};

/**
 * {@link SaeApi} on `@alicloud/openapi-client`'s generic `callApi` (the product SDK is not on the npm
 * registry). Signs with ACS3-HMAC-SHA256; one attempt per call — retry policy belongs to the caller,
 * which knows the invocation's deadline and the SAE call budget.
 */
export class SaeClient implements SaeApi {
  readonly #call: SaeCall<SaeAction>;

  constructor(opts: SaeClientOptions) {
    this.#call = saeCaller(opts, ROUTES, ['ChangeOrderId', 'AppId']);
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
    return withData(res, (d) => inOurSpelling<ChangeOrder>(d));
  }

  async describeApplicationStatus(appId: string): Promise<SaeResult<ApplicationStatus>> {
    const res = await this.#call('DescribeApplicationStatus', { AppId: appId }, applicationStatusDataSchema);
    return withData(res, (d) => inOurSpelling<ApplicationStatus>(d));
  }

  async listChangeOrders(q: ListChangeOrdersQuery): Promise<SaeResult<ChangeOrderPage>> {
    const action = 'ListChangeOrders';
    const query: Record<string, string> = { AppId: q.appId, ...pagingQuery(action, q) };
    if (q.coStatus !== undefined) {
      if (!Number.isInteger(q.coStatus)) throw refuseLocally(action, 'a CoStatus that is not an integer');
      query.CoStatus = String(q.coStatus);
    }
    const res = await this.#call(action, query, changeOrderPageDataSchema);
    return withPage(res, (d) => ({
      changeOrders: d.ChangeOrderList.map((c) => inOurSpelling<ChangeOrderSummary>(c)),
    }));
  }
}
