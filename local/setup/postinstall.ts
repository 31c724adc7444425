// Runs after `npm ci`. Never fails the install: without the template, the first run is just slower.
import { preparePgliteTemplate } from './pglite-template.js';

try {
  await preparePgliteTemplate();
} catch (e) {
  console.warn(`note: could not prepare the embedded database template (${(e as Error).message}); the first run will initialise it`);
}
