import type { Alarm } from './outcome.js';

/**
 * What an event asks for, after parsing: roll back this change order, or whatever change order is
 * running on this app. IDs are already validated by the parser.
 */
export interface RollbackRequest {
  changeOrderId?: string;
  appId?: string;
  alarm: Alarm;
  /** An ID the source gives the delivery (message ID, event ID), when it has one. */
  deliveryId?: string;
  /** Epoch ms when the event was received. */
  receivedAt: number;
  /**
   * Change types an operator allows for this one request on top of ABORT_CHANGE_TYPES (the CLI's
   * `abort --allow-type`); never set from an event.
   */
  allowTypes?: readonly string[];
}

/** Per-invocation facts the core needs. */
export interface InvocationInfo {
  fcRequestId?: string;
  /** Epoch ms by which the invocation must be done (FC: start + function timeout). */
  deadline?: number;
}
