/** The change-order SAE APIs (app APIs in app-handlers.ts): parameter and RAM checks, then the state machine. */
import { APP_ROUTES } from './app-handlers.js';
import { knownSaeError, type Reply, saeSuccess } from './envelope.js';
import {
  type HandlerContext,
  isReply,
  mayTouch,
  optionalInt,
  type Route,
  requireId,
  visibleApp,
} from './handler-kit.js';
import { applicationStatusData, changeOrderListItem, describeChangeOrderData } from './render.js';
import { SaeStateError } from './state.js';
import { isKnownStatus } from './status.js';

/** The only API version these paths answer to. */
export const SAE_API_VERSION = '2019-05-06';

export type { HandlerContext, Route } from './handler-kit.js';

function fromStateError(ctx: HandlerContext, err: unknown): Reply {
  if (err instanceof SaeStateError) {
    if (err.code === 'Application.ChangerOrder.Not.Running' || err.code === 'InvalidChangeOrder.NotFound') {
      return knownSaeError(ctx.requestId, err.code);
    }
  }
  throw err;
}

/** Looks up a change order the caller may see, or the error reply SAE gives. */
function visibleOrder(ctx: HandlerContext) {
  const id = requireId(ctx, 'ChangeOrderId');
  if (typeof id !== 'string') return id;
  const order = ctx.state.getChangeOrder(id);
  if (!order) return knownSaeError(ctx.requestId, 'InvalidChangeOrder.NotFound');
  if (!mayTouch(ctx, order.appId)) return knownSaeError(ctx.requestId, 'Resouce.no.permission');
  return order;
}

const CHANGE_ORDER_ROUTES: readonly Route[] = [
  {
    action: 'AbortAndRollbackChangeOrder',
    method: 'PUT',
    path: '/pop/v1/sam/changeorder/AbortAndRollbackChangeOrder',
    handle(ctx) {
      const order = visibleOrder(ctx);
      if (isReply(order)) return order;
      try {
        ctx.state.abortAndRollback(order.changeOrderId);
      } catch (err) {
        return fromStateError(ctx, err);
      }
      return saeSuccess(ctx.requestId, { ChangeOrderId: order.changeOrderId });
    },
  },
  {
    action: 'DescribeChangeOrder',
    method: 'GET',
    path: '/pop/v1/sam/changeorder/DescribeChangeOrder',
    handle(ctx) {
      const order = visibleOrder(ctx);
      if (isReply(order)) return order;
      return saeSuccess(ctx.requestId, describeChangeOrderData(order, ctx.state.getApp(order.appId)));
    },
  },
  {
    action: 'DescribeApplicationStatus',
    method: 'GET',
    path: '/pop/v1/sam/app/describeApplicationStatus',
    handle(ctx) {
      const app = visibleApp(ctx);
      if (isReply(app)) return app;
      return saeSuccess(ctx.requestId, applicationStatusData(app, ctx.state.changeOrdersOf(app.appId)[0]));
    },
  },
  {
    action: 'ListChangeOrders',
    method: 'GET',
    path: '/pop/v1/sam/changeorder/ListChangeOrders',
    handle(ctx) {
      const app = visibleApp(ctx);
      if (isReply(app)) return app;
      const page = optionalInt(ctx, 'CurrentPage', 1, 100_000);
      if (typeof page !== 'number') return page;
      const size = optionalInt(ctx, 'PageSize', 10, 100);
      if (typeof size !== 'number') return size;
      const coStatus = ctx.query.CoStatus;
      if (coStatus !== undefined && coStatus !== '' && !isKnownStatus(Number(coStatus))) {
        return knownSaeError(ctx.requestId, 'InvalidParameter.Obviously', 'CoStatus');
      }
      const all = ctx.state
        .changeOrdersOf(app.appId)
        .filter((o) => coStatus === undefined || coStatus === '' || o.status === Number(coStatus));
      return saeSuccess(ctx.requestId, {
        CurrentPage: page,
        PageSize: size,
        TotalSize: all.length,
        ChangeOrderList: all.slice((page - 1) * size, page * size).map(changeOrderListItem),
      });
    },
  },
];

/** Every API the emulator serves. */
export const ROUTES: readonly Route[] = [...CHANGE_ORDER_ROUTES, ...APP_ROUTES];

/** The route serving `path`, whatever the method (a wrong method is still that API, misused). */
export function routeForPath(path: string): Route | undefined {
  return ROUTES.find((r) => r.path === path);
}

/** RAM's verdict for this credential and action, checked before any parameter. */
export function deniedReply(ctx: HandlerContext, action: string): Reply | undefined {
  if (!ctx.credential.deniedActions?.includes(action)) return undefined;
  return knownSaeError(
    ctx.requestId,
    'AccessDenied',
    `You are not authorized to do action sae:${action} on resource acs:sae:*:*:*.`,
  );
}
