/** The EventBridge emulator's `/__admin/` routes, over its in-process methods. */
import { z } from 'zod';
import { type AdminRoutes, CREATED, commonAdminRoutes, parseInput } from '../kit/admin.js';
import {
  BUS_NAME,
  credentialSchema,
  type EventBridgeEmulator,
  type EventBridgeFault,
  faultSchema,
  type Rule,
  ruleSchema,
} from './types.js';

export function eventBridgeAdmin(
  emu: Pick<
    EventBridgeEmulator,
    'events' | 'sink' | 'createBus' | 'putRule' | 'addCredential' | 'injectFault' | 'clearFaults' | 'reset'
  > & { requests(): unknown },
): AdminRoutes {
  return {
    'GET /__admin/events': ({ url }) => [200, emu.events(url.searchParams.get('bus') ?? undefined)],
    'GET /__admin/sink': ({ url }) => [200, emu.sink.messages(url.searchParams.get('topic') ?? undefined)],
    'POST /__admin/buses': (input) => {
      emu.createBus(parseInput(z.object({ name: z.string().regex(BUS_NAME) }), input).name);
      return CREATED;
    },
    'POST /__admin/rules': (input) => {
      emu.putRule(parseInput(ruleSchema, input) as Rule);
      return CREATED;
    },
    'POST /__admin/credentials': (input) => {
      emu.addCredential(parseInput(credentialSchema, input));
      return CREATED;
    },
    ...commonAdminRoutes<EventBridgeFault>({
      ...emu,
      faultSchema: faultSchema as z.ZodType<EventBridgeFault>,
    }),
  };
}
