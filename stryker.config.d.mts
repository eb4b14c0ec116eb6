import type { PartialStrykerOptions } from '@stryker-mutator/api/core';

/** Types for stryker.config.mjs, which bin/mutation.ts imports. */
export declare const MUTATED_FOLDERS: string[];
export declare const FOLDER_TESTS: Record<string, string[]>;
declare const config: PartialStrykerOptions;
export default config;
