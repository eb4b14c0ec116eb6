/**
 * The emulators' `/__admin/*` surface: JSON in, JSON out, one table of `"METHOD /__admin/path"` routes per
 * emulator. A body that does not parse (JSON or zod) answers 400 with the reason; an unknown route 404.
 */
import type { z } from 'zod';
import { type FaultDesk, withoutUndefined } from './faults.js';

/** What a route gets: the query, and the JSON body (`{}` when empty), parsed on demand. */
export interface AdminInput {
  url: URL;
  json(): unknown;
}
export type AdminRoute = (input: AdminInput) => [number, unknown];
export type AdminRoutes = Readonly<Record<string, AdminRoute>>;

/** The usual answer of a route that changed something. */
export const CREATED: [number, unknown] = [201, { ok: true }];
export const DONE: [number, unknown] = [200, { ok: true }];

/** Answers one admin request; never throws. */
export function routeAdmin(routes: AdminRoutes, method: string, url: URL, body: Buffer): [number, unknown] {
  const route = routes[`${method} ${url.pathname}`];
  if (route === undefined) return [404, { error: `no admin route ${method} ${url.pathname}` }];
  try {
    return route({ url, json: () => (body.length === 0 ? {} : JSON.parse(body.toString('utf8'))) });
  } catch (e) {
    return [400, { error: e instanceof Error ? e.message : String(e) }];
  }
}

/** Parses a body with `schema`, dropping the keys zod leaves `undefined`. */
export function parseInput<S extends z.ZodType<object>>(
  schema: S,
  input: AdminInput,
): { [K in keyof z.infer<S>]: Exclude<z.infer<S>[K], undefined> } {
  return withoutUndefined(schema.parse(input.json()) as z.infer<S>);
}

/** The routes every emulator with a fault queue has: requests, faults (arm, clear) and reset. */
export function commonAdminRoutes<F>(emu: {
  requests(): unknown;
  /** Parses an admin fault body; its output is taken as an `F` once `undefined` keys are dropped. */
  faultSchema: z.ZodType<object>;
  injectFault(fault: F): void;
  clearFaults(): void;
  reset(): void;
}): AdminRoutes {
  return {
    'GET /__admin/requests': () => [200, emu.requests()],
    'POST /__admin/faults': (input) => {
      emu.injectFault(withoutUndefined(emu.faultSchema.parse(input.json())) as F);
      return CREATED;
    },
    'DELETE /__admin/faults': () => {
      emu.clearFaults();
      return DONE;
    },
    'POST /__admin/reset': () => {
      emu.reset();
      return DONE;
    },
  };
}

/** {@link commonAdminRoutes} for a receiver built on a FaultDesk and a call log. */
export function deskAdminRoutes<F extends { kind: string; times?: number }>(
  desk: FaultDesk<F>,
  requests: { list(): unknown },
  faultSchema: z.ZodType<object>,
  reset: () => void,
): AdminRoutes {
  return commonAdminRoutes<F>({
    requests: () => requests.list(),
    faultSchema,
    injectFault: (f) => desk.queue.add(f),
    clearFaults: () => desk.queue.clear(),
    reset,
  });
}
