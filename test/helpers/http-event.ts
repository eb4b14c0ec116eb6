export { httpTriggerEvent } from '../../lib/dev/http-event.js';

import { readFileSync } from 'node:fs';

/** A fixture from test/fixtures/events as the Buffer FC would hand over. */
export function fixture(name: string): Buffer {
  return readFileSync(new URL(`../fixtures/events/${name}`, import.meta.url));
}
