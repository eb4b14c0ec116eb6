/** Apps and change orders, with SAE's rules: serial change orders per app, abort restores the version. */
import { randomUUID } from 'node:crypto';
import type { Clock } from '../../lib/clock.js';
import { dueAborts, type Terminating } from './abort-progress.js';
import { isKnownCoType, REDEPLOY_TYPES, VERSION_CHANGING_TYPES } from './co-types.js';
import { SaeStateError } from './errors.js';
import { seededApp } from './seed.js';
import { CO_STATUS, isKnownStatus, isTerminalStatus } from './status.js';
import type {
  AbortProgress,
  AppVersionView,
  AppView,
  ChangeOrderView,
  FinishChangeOrderOptions,
  RollbackCompletion,
  SeedAppInput,
  StartChangeOrderInput,
} from './types.js';
import { moveTo } from './versions.js';

export { SaeStateError };

/** In-memory SAE state. Views handed out are copies, so callers cannot bypass the rules. */
export class SaeState {
  readonly #apps = new Map<string, AppView>();
  // Insertion order doubles as creation order: a ManualClock may give two change orders the same time.
  readonly #orders = new Map<string, ChangeOrderView>();
  readonly #namespaces = new Set<string>();
  /** How RollbackApplication's change orders end; configuration, so reset() keeps it. */
  rollbackCompletion: RollbackCompletion = 'immediate';
  /** What an abort does next; configuration, so reset() keeps it. */
  abortProgress: AbortProgress = { mode: 'immediate' };
  /** Aborted change orders still terminating: when they end (emulator clock) and how. */
  readonly #terminating: Terminating = new Map();
  /** Apps with release approval on (emulators/sae/app-rollback.ts); forgotten with the apps. */
  readonly approvalRequired = new Set<string>();

  constructor(private readonly clock: Clock) {}

  seedApp(input: SeedAppInput): AppView {
    const { app, history } = seededApp(input, this.clock.now());
    this.#apps.set(app.appId, app);
    for (const o of history) this.#orders.set(o.changeOrderId, o);
    this.#namespaces.add(app.namespaceId);
    if (input.approvalRequired) this.approvalRequired.add(app.appId);
    return structuredClone(app);
  }

  seedNamespace(namespaceId: string): void {
    this.#namespaces.add(namespaceId);
  }

  hasNamespace(namespaceId: string): boolean {
    return this.#namespaces.has(namespaceId);
  }

  namespaces(): string[] {
    return [...this.#namespaces];
  }

  /** Apps in seeding order, optionally only those of one namespace. */
  listApps(namespaceId?: string): AppView[] {
    this.#settle();
    return this.apps().filter((a) => namespaceId === undefined || a.namespaceId === namespaceId);
  }

  /** Distinct versions, newest first (creation order breaks CreateTime ties). */
  appVersions(appId: string): AppVersionView[] | undefined {
    const app = this.#apps.get(appId);
    return app ? structuredClone(app.versionRecords).reverse() : undefined;
  }

  startChangeOrder(input: StartChangeOrderInput): string {
    this.#settle();
    const app = this.#apps.get(input.appId);
    if (!app)
      throw new SaeStateError('InvalidAppId.NotFound', `The specified AppId does not exist: ${input.appId}`);
    if (this.#running(app.appId)) {
      throw new SaeStateError(
        'Application.ChangerOrderRunning',
        'An application change process is in progress. Please try again later.',
      );
    }
    const status = input.status ?? CO_STATUS.EXECUTING;
    this.#assertStatus(status);
    const changeOrderId = input.changeOrderId ?? randomUUID();
    if (this.#orders.has(changeOrderId)) {
      throw new SaeStateError('InvalidParameter.Obviously', `Change order ${changeOrderId} already exists.`);
    }
    const coTypeCode = input.coTypeCode ?? 'CoDeploy';
    if (!isKnownCoType(coTypeCode)) {
      throw new SaeStateError('InvalidParameter.Obviously', `Unknown change type ${coTypeCode}.`);
    }
    const fromVersion = app.currentVersion;
    const movesVersion = input.toVersion !== undefined || VERSION_CHANGING_TYPES.has(coTypeCode);
    const toVersion = movesVersion ? (input.toVersion ?? `v${app.versions.length + 1}`) : fromVersion;
    const now = this.clock.now();
    const newRecord = REDEPLOY_TYPES.has(coTypeCode);
    if (toVersion !== fromVersion || newRecord) moveTo(app, toVersion, now, input.toVersionId, newRecord);
    const batchCount = Math.max(1, input.batchCount ?? 1);
    const order: ChangeOrderView = {
      changeOrderId,
      appId: app.appId,
      coTypeCode,
      status,
      subStatus: input.subStatus ?? 0,
      createTime: now,
      updateTime: now,
      batchCount,
      source: input.source ?? 'api',
      description: input.description ?? '',
      fromVersion,
      toVersion,
      pipelineIds: Array.from({ length: batchCount }, () => randomUUID()),
    };
    if (isTerminalStatus(status)) order.finishTime = now;
    if (input.addInstances) app.runningInstances += input.addInstances;
    this.#orders.set(changeOrderId, order);
    return changeOrderId;
  }

  setChangeOrderStatus(changeOrderId: string, status: number, subStatus?: 0 | 1): ChangeOrderView {
    const order = this.#order(changeOrderId);
    this.#assertStatus(status);
    if (isTerminalStatus(order.status) && !isTerminalStatus(status) && this.#running(order.appId)) {
      throw new SaeStateError(
        'Application.ChangerOrderRunning',
        'Another change order of this application is running; only one may run at a time.',
      );
    }
    const now = this.clock.now();
    order.status = status;
    order.subStatus = subStatus ?? (isTerminalStatus(status) ? 0 : order.subStatus);
    order.updateTime = now;
    if (isTerminalStatus(status)) order.finishTime ??= now;
    else delete order.finishTime;
    return structuredClone(order);
  }

  /** Ends a change order; `at` back-dates FinishTime (and UpdateTime) for "finished N minutes ago" tests. */
  finishChangeOrder(changeOrderId: string, opts: FinishChangeOrderOptions = {}): ChangeOrderView {
    const status = opts.status ?? CO_STATUS.SUCCEEDED;
    if (!isTerminalStatus(status)) {
      throw new SaeStateError(
        'InvalidParameter.Obviously',
        `Status ${status} does not finish a change order.`,
      );
    }
    this.setChangeOrderStatus(changeOrderId, status, 0);
    const order = this.#order(changeOrderId);
    if (opts.at !== undefined) {
      order.finishTime = opts.at;
      order.updateTime = opts.at;
    }
    return structuredClone(order);
  }

  /** AbortAndRollbackChangeOrder: terminate a running change order and restore the previous version. */
  abortAndRollback(changeOrderId: string): ChangeOrderView {
    this.#settle();
    const order = this.#order(changeOrderId);
    if (isTerminalStatus(order.status) || this.#terminating.has(changeOrderId)) {
      throw new SaeStateError(
        'Application.ChangerOrder.Not.Running',
        'The change order is not running and cannot be terminated.',
      );
    }
    const progress = this.abortProgress;
    if (progress.mode === 'terminating') {
      // Still executing while SAE terminates the batches; #settle() ends it on the clock.
      this.#terminating.set(changeOrderId, { at: this.clock.now() + progress.terminatingMs, progress });
      return this.setChangeOrderStatus(changeOrderId, CO_STATUS.EXECUTING, 0);
    }
    return this.#rollBack(changeOrderId);
  }

  #rollBack(changeOrderId: string): ChangeOrderView {
    const order = this.#order(changeOrderId);
    const app = this.#apps.get(order.appId);
    if (app && app.currentVersion !== order.fromVersion) moveTo(app, order.fromVersion, this.clock.now());
    return this.setChangeOrderStatus(changeOrderId, CO_STATUS.TERMINATED, 0);
  }

  /** Ends the aborts whose terminating time has passed, as `abortProgress` said when they were sent. */
  #settle(): void {
    for (const [id, end] of dueAborts(this.#terminating, this.clock.now(), (i) => this.#orders.has(i)))
      if (end === 'rolled-back') this.#rollBack(id);
      else this.setChangeOrderStatus(id, end, 0);
  }

  getApp(appId: string): AppView | undefined {
    this.#settle();
    const app = this.#apps.get(appId);
    return app ? structuredClone(app) : undefined;
  }

  getChangeOrder(changeOrderId: string): ChangeOrderView | undefined {
    this.#settle();
    const order = this.#orders.get(changeOrderId);
    return order ? structuredClone(order) : undefined;
  }

  /** The app's change orders, newest first. */
  changeOrdersOf(appId: string): ChangeOrderView[] {
    this.#settle();
    return [...this.#orders.values()]
      .filter((o) => o.appId === appId)
      .reverse()
      .map((o) => structuredClone(o));
  }

  apps(): AppView[] {
    this.#settle();
    return [...this.#apps.values()].map((a) => structuredClone(a));
  }

  changeOrders(): ChangeOrderView[] {
    this.#settle();
    return [...this.#orders.values()].map((o) => structuredClone(o));
  }

  reset(): void {
    this.#apps.clear();
    this.#orders.clear();
    this.#namespaces.clear();
    this.approvalRequired.clear();
    this.#terminating.clear();
  }

  #running(appId: string): boolean {
    for (const o of this.#orders.values()) if (o.appId === appId && !isTerminalStatus(o.status)) return true;
    return false;
  }

  #order(changeOrderId: string): ChangeOrderView {
    const order = this.#orders.get(changeOrderId);
    if (!order) {
      throw new SaeStateError('InvalidChangeOrder.NotFound', 'The current change order does not exist.');
    }
    return order;
  }

  #assertStatus(status: number): void {
    if (!isKnownStatus(status)) {
      throw new SaeStateError('InvalidParameter.Obviously', `Unknown change-order status ${status}.`);
    }
  }
}
