// How the harness names functions: each Lambda ARN in a local definition is
// arn:aws:lambda:us-east-1:000000000000:function:<name>, <name> being a step or 'ledger'.
export const LOCAL_ARN_PREFIX = 'arn:aws:lambda:us-east-1:000000000000:function:';

/** The function name (step or 'ledger') a local Lambda ARN stands for, or undefined. */
export const functionOfArn = (arn: string): string | undefined => (arn.startsWith(LOCAL_ARN_PREFIX) ? arn.slice(LOCAL_ARN_PREFIX.length) : undefined);
