/** The MNS emulator's `/__admin/` routes (JSON in/out), over its in-process methods. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { sendJson } from '../http.js';
import { withoutUndefined } from '../kit/faults.js';
import { credentialSchema, faultSchema, type MnsEmulator, type MnsFault, topicSchema } from './types.js';

export type AdminPort = Pick<
  MnsEmulator,
  'messages' | 'createTopic' | 'addCredential' | 'injectFault' | 'clearFaults' | 'reset'
> & {
  requests(): unknown;
};

function route(emu: AdminPort, method: string, url: URL, body: Buffer): [number, unknown] {
  const input = (): unknown => (body.length === 0 ? {} : JSON.parse(body.toString('utf8')));
  switch (`${method} ${url.pathname}`) {
    case 'GET /__admin/messages':
      return [200, emu.messages(url.searchParams.get('topic') ?? undefined)];
    case 'GET /__admin/requests':
      return [200, emu.requests()];
    case 'POST /__admin/topics':
      emu.createTopic(topicSchema.parse(input()).name);
      return [201, { ok: true }];
    case 'POST /__admin/credentials':
      emu.addCredential(withoutUndefined(credentialSchema.parse(input())));
      return [201, { ok: true }];
    case 'POST /__admin/faults':
      emu.injectFault(withoutUndefined(faultSchema.parse(input())) as MnsFault);
      return [201, { ok: true }];
    case 'DELETE /__admin/faults':
      emu.clearFaults();
      return [200, { ok: true }];
    case 'POST /__admin/reset':
      emu.reset();
      return [200, { ok: true }];
    default:
      return [404, { error: `no admin route ${method} ${url.pathname}` }];
  }
}

/** Answers one admin request; a bad body is a 400 naming what was wrong. */
export function handleAdmin(emu: AdminPort, req: IncomingMessage, res: ServerResponse, body: Buffer): void {
  let answer: [number, unknown];
  try {
    answer = route(emu, req.method ?? '', new URL(req.url ?? '/', 'http://emulator'), body);
  } catch (e) {
    answer = [400, { error: e instanceof Error ? e.message : String(e) }];
  }
  sendJson(res, ...answer);
}
