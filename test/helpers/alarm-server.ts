/**
 * The alarm function served over HTTP the way FC's HTTP trigger does (the project's dev server), on a
 * free loopback port, against the SAE and MNS emulators of a {@link startStack} — so a real peer
 * (Alertmanager) can call it. Every request it answered is kept, decoded, for the assertions.
 */
import { startDevServer } from '../../lib/dev/server.js';
import type { HttpResponse } from '../../lib/fc/context.js';
import { type Stack, startStack } from './stack.js';

export interface Delivery {
  userAgent: string;
  /** The Alertmanager payload's `status` (`firing` / `resolved`), when the body was one. */
  status?: string;
  /** `labels` of each alert in the payload. */
  alerts: Array<Record<string, string>>;
  statusCode: number;
  /** The handler's answer, parsed. */
  answer: { outcomes?: Array<{ outcome: string }>; ignored?: Array<{ reason: string }> };
}

export interface AlarmServer {
  stack: Stack;
  url: string;
  deliveries: Delivery[];
  close(): Promise<void>;
}

export async function startAlarmServer(env: Record<string, string>): Promise<AlarmServer> {
  const stack = await startStack(env);
  const deliveries: Delivery[] = [];
  const server = await startDevServer({
    functions: [
      {
        name: 'alarm',
        functionName: 'sae-rollback-alarm',
        kind: 'http',
        handler: async (event) => {
          const res = (await stack.invoke(event)) as HttpResponse;
          deliveries.push(decode(event as Buffer, res));
          return res;
        },
      },
    ],
  });
  return {
    stack,
    url: server.urls.alarm ?? `${server.url}/alarm`,
    deliveries,
    async close() {
      await server.close();
      await stack.close();
    },
  };
}

function decode(event: Buffer, res: HttpResponse): Delivery {
  const e = JSON.parse(event.toString('utf8')) as { body: string; headers: Record<string, string> };
  let payload: { status?: string; alerts?: Array<{ labels?: Record<string, string> }> } = {};
  try {
    payload = JSON.parse(e.body) as typeof payload;
  } catch {
    // not JSON: kept with no alerts
  }
  return {
    userAgent: e.headers['User-Agent'] ?? '',
    ...(payload.status ? { status: payload.status } : {}),
    alerts: (payload.alerts ?? []).map((a) => a.labels ?? {}),
    statusCode: res.statusCode,
    answer: JSON.parse(String(res.body)) as Delivery['answer'],
  };
}
