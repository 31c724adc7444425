// The five steps by name: the local harness maps state machine tasks to these, Lambda handlers call one.
import { anonymize } from './anonymize.js';
import { generate } from './generate.js';
import { load } from './load.js';
import { privatize } from './privatize.js';
import type { Step } from './run-state.js';
import type { StepName } from './step-names.js';
import { transform } from './transform.js';

export { STEP_NAMES, type StepName } from './step-names.js';

export const steps: Record<StepName, Step> = { generate, anonymize, load, transform, privatize };

export { anonymize, generate, load, privatize, transform };
export { migrate } from './migrate.js';
