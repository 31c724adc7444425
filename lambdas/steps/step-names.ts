// The five pipeline steps, in run order. The CDK app names its functions and states from this list and
// the local harness maps Lambda ARNs back to it, so the two cannot disagree on spelling.
export const STEP_NAMES = ['generate', 'anonymize', 'load', 'transform', 'privatize'] as const;
export type StepName = (typeof STEP_NAMES)[number];

/** Bookkeeping functions that are not pipeline steps. */
export const LEDGER_FUNCTION = 'ledger';
export type FunctionName = StepName | typeof LEDGER_FUNCTION;

export const isStepName = (name: string): name is StepName => (STEP_NAMES as readonly string[]).includes(name);
