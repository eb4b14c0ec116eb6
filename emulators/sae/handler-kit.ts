/** What every SAE API handler shares: its context, the route shape, parameter and permission checks. */
import { knownSaeError, type Reply, type SaeErrorCode } from './envelope.js';
import type { SaeState } from './state.js';
import type { AppView, EmulatorCredential } from './types.js';

export interface HandlerContext {
  requestId: string;
  query: Readonly<Record<string, string>>;
  credential: EmulatorCredential;
  state: SaeState;
  /** The emulator's region, for fields like ListApplications' `RegionId`. */
  regionId: string;
}

export interface Route {
  action: string;
  method: 'GET' | 'PUT';
  path: string;
  handle(ctx: HandlerContext): Reply;
}

const ID_PATTERN = /^[A-Za-z0-9._:-]{1,128}$/;

/** A required ID parameter, or the error reply for a missing or malformed one. */
export function requireId(ctx: HandlerContext, name: string): string | Reply {
  const value = ctx.query[name];
  if (value === undefined || value === '')
    return knownSaeError(ctx.requestId, 'InvalidParameter.NotEmpty', name);
  if (!ID_PATTERN.test(value)) return knownSaeError(ctx.requestId, 'InvalidParameter.Obviously', name);
  return value;
}

/** An optional ID-like parameter: undefined when absent, the error reply when malformed. */
export function optionalId(ctx: HandlerContext, name: string): string | undefined | Reply {
  const value = ctx.query[name];
  if (value === undefined || value === '') return undefined;
  return ID_PATTERN.test(value) ? value : knownSaeError(ctx.requestId, 'InvalidParameter.Obviously', name);
}

export function optionalInt(
  ctx: HandlerContext,
  name: string,
  fallback: number,
  max: number,
): number | Reply {
  const raw = ctx.query[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > max)
    return knownSaeError(ctx.requestId, 'InvalidParameter.Obviously', name);
  return n;
}

export function mayTouch(ctx: HandlerContext, appId: string): boolean {
  const allowed = ctx.credential.allowedAppIds;
  return allowed === undefined || allowed.includes(appId);
}

/**
 * Looks up an app the caller may see, or the error reply SAE gives. Which not-found code depends on
 * the API: most answer `InvalidAppId.NotFound` (404), ListAppVersions and RollbackApplication
 * document `InvalidApplication.NotFound` (400).
 */
export function visibleApp(
  ctx: HandlerContext,
  notFound: SaeErrorCode = 'InvalidAppId.NotFound',
): AppView | Reply {
  const id = requireId(ctx, 'AppId');
  if (typeof id !== 'string') return id;
  // Permission before existence, so a restricted key cannot probe which app IDs exist.
  if (!mayTouch(ctx, id)) return knownSaeError(ctx.requestId, 'Resouce.no.permission');
  const app = ctx.state.getApp(id);
  return app ?? knownSaeError(ctx.requestId, notFound);
}

export const isReply = (v: object): v is Reply => 'body' in v && 'status' in v;
