// Runs after `npm ci`: prepares what the first `npm run simulate` would otherwise build (an empty
// embedded database, the synthesized state machine). Never fails the install: without them, the
// first run is just slower.
import '../polyfills.js';
import { cachedDefinition } from '../harness/definition-cache.js';
import { preparePgliteTemplate } from './pglite-template.js';

for (const [what, prepare] of [['embedded database template', preparePgliteTemplate], ['state machine definition', () => cachedDefinition()]] as const) {
  try {
    await prepare();
  } catch (e) {
    console.warn(`note: could not prepare the ${what} (${(e as Error).message}); the first run will build it`);
  }
}
