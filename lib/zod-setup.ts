import { z } from 'zod';

// zod compiles a fast path for each object schema with `new Function` on its first parse. A function
// parses each schema a handful of times per cold start, so compiling costs more than it saves there
// (and, being eval'd, it is never in the V8 code cache). Imported first by lib/config.ts.
z.config({ jitless: true });
