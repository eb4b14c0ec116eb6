import { DuplicateTaskError, InvokeError } from '../invoke/errors.js';
import { taskIdForChangeOrder } from '../invoke/task-id.js';
import type { Invoker } from '../invoke/types.js';
import type { Dispatch } from './types.js';

/**
 * The guard's fan-out: each finding becomes an asynchronous FC invocation of the consumer, whose event is
 * the direct JSON body the consumer already understands. The task ID is derived from the change order, so
 * FC itself refuses a second submission of the same rollback (the consumer's async config needs
 * `asyncTask: true`); the consumer then runs the same core path (idempotent, budgeted, notified), with
 * FC's async retries and on-failure destination behind it, and the guard run stays short.
 */
export function fanOutDispatch(invoker: Invoker, consumerFunction: string): Dispatch {
  return async (req) => {
    if (!req.changeOrderId) throw new Error('the guard only hands over findings that name a change order');
    const taskId = taskIdForChangeOrder(req.changeOrderId);
    const event = JSON.stringify({
      ChangeOrderId: req.changeOrderId,
      ...(req.appId ? { appId: req.appId } : {}),
      ...(req.alarm.name ? { alarmName: req.alarm.name } : {}),
      ...(req.deliveryId ? { messageId: req.deliveryId } : {}),
    });
    try {
      const r = await invoker.invokeAsync(consumerFunction, event, { taskId });
      return {
        summary: `Handed to ${consumerFunction} as async task ${r.taskId} (FC request ${r.requestId}).`,
        retry: false,
      };
    } catch (err) {
      if (err instanceof DuplicateTaskError) {
        return {
          summary: `Already handed to ${consumerFunction} (FC refused a second task ${taskId}).`,
          retry: false,
        };
      }
      if (err instanceof InvokeError) {
        return {
          summary: `Could not hand over to ${consumerFunction}: ${err.message}`,
          retry: err.retryable,
        };
      }
      throw err;
    }
  };
}
