/** The emulators' "now": the product's Clock port (a type and the system clock, no behaviour of its own). */
export { type Clock, ManualClock, systemClock } from '../../lib/clock.js';
