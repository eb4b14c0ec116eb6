/** The safety valves, by name: what a `suppressed` outcome's `valve` says (no imports: a leaf module). */
export const VALVES = ['cool-down', 'global-cap', 'flapping'] as const;
export type Valve = (typeof VALVES)[number];
