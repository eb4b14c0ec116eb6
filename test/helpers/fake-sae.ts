import { classifyCode, SaeError, SaeErrorKind, SaeErrorReason } from '../../lib/sae/errors.js';
import {
  type ApplicationStatus,
  type ChangeOrder,
  type ChangeOrderPage,
  type ListChangeOrdersQuery,
  type SaeApi,
  type SaeResult,
  TERMINAL_STATUSES,
} from '../../lib/sae/types.js';

/**
 * An in-memory SaeApi for unit tests of the pure decision core (the HTTP emulator covers the wire).
 * Records calls; `failNext` makes the next call of an action throw a classified SaeError.
 */
export class FakeSae implements SaeApi {
  readonly calls: Array<{ action: string; id: string }> = [];
  readonly changeOrders = new Map<string, ChangeOrder>();
  readonly #failures = new Map<string, string[]>();
  #n = 0;

  addChangeOrder(co: Partial<ChangeOrder> & { changeOrderId: string; appId: string }): void {
    // A release by default, as the emulator seeds one: tests of other kinds name coTypeCode. Started
    // long ago (SAE's UTC+8 wall time), so no alarm in a test predates it unless the test says so.
    this.changeOrders.set(co.changeOrderId, {
      status: 1,
      subStatus: 0,
      coTypeCode: 'CoDeploy',
      createTime: '2026-01-01 08:00:00',
      ...co,
    });
  }

  failNext(action: string, code: string): void {
    this.#failures.set(action, [...(this.#failures.get(action) ?? []), code]);
  }

  #begin(action: string, id: string): string {
    this.calls.push({ action, id });
    const code = this.#failures.get(action)?.shift();
    if (code) {
      const { kind, reason } = classifyCode(code, 400);
      throw new SaeError(`${action}: ${code}`, {
        action,
        kind,
        ...(reason ? { reason } : {}),
        code,
        httpStatus: 400,
        requestId: `R${++this.#n}`,
      });
    }
    return `R${++this.#n}`;
  }

  #notFound(action: string, code = 'InvalidChangeOrder.NotFound'): never {
    throw new SaeError(`${action}: ${code}`, {
      action,
      kind: SaeErrorKind.Permanent,
      reason: SaeErrorReason.NotFound,
      code,
      httpStatus: 400,
    });
  }

  async abortAndRollbackChangeOrder(id: string): Promise<SaeResult<{ changeOrderId: string }>> {
    const requestId = this.#begin('AbortAndRollbackChangeOrder', id);
    const co = this.changeOrders.get(id) ?? this.#notFound('AbortAndRollbackChangeOrder');
    if (TERMINAL_STATUSES.has(co.status)) {
      throw new SaeError('not running', {
        action: 'AbortAndRollbackChangeOrder',
        kind: SaeErrorKind.AlreadyDone,
        code: 'Application.ChangerOrder.Not.Running',
      });
    }
    co.status = 6;
    return { requestId, data: { changeOrderId: id } };
  }

  async describeChangeOrder(id: string): Promise<SaeResult<ChangeOrder>> {
    const requestId = this.#begin('DescribeChangeOrder', id);
    const co = this.changeOrders.get(id) ?? this.#notFound('DescribeChangeOrder');
    return { requestId, data: { ...co } };
  }

  async describeApplicationStatus(appId: string): Promise<SaeResult<ApplicationStatus>> {
    const requestId = this.#begin('DescribeApplicationStatus', appId);
    const cos = [...this.changeOrders.values()].filter((c) => c.appId === appId);
    if (cos.length === 0 && !appId.startsWith('app-'))
      this.#notFound('DescribeApplicationStatus', 'InvalidAppId.NotFound');
    const last = cos.at(-1);
    return {
      requestId,
      data: {
        appId,
        lastChangeOrderRunning: last ? !TERMINAL_STATUSES.has(last.status) : false,
        ...(last ? { lastChangeOrderId: last.changeOrderId } : {}),
      },
    };
  }

  /** The app's change orders, newest first, filtered by `coStatus` as SAE does. */
  async listChangeOrders(q: ListChangeOrdersQuery): Promise<SaeResult<ChangeOrderPage>> {
    const requestId = this.#begin('ListChangeOrders', q.appId);
    const pageSize = q.pageSize ?? 10;
    const page = q.currentPage ?? 1;
    const all = [...this.changeOrders.values()]
      .filter((c) => c.appId === q.appId && (q.coStatus === undefined || c.status === q.coStatus))
      .reverse();
    const changeOrders = all.slice((page - 1) * pageSize, page * pageSize).map((c) => ({
      changeOrderId: c.changeOrderId,
      appId: c.appId,
      status: c.status,
      ...(c.coTypeCode ? { coTypeCode: c.coTypeCode } : {}),
      ...(c.createTime ? { createTime: c.createTime } : {}),
    }));
    return { requestId, data: { currentPage: page, pageSize, totalSize: all.length, changeOrders } };
  }

  count(action: string): number {
    return this.calls.filter((c) => c.action === action).length;
  }
}
