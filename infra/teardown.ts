// One keep-vs-delete setting for everything that holds data: buckets, the KMS key, the database and its
// secrets, log groups. Mixing them is how teardowns go wrong (a deleted key leaves retained buckets
// unreadable; a retained bucket blocks the next deploy), so no construct chooses on its own.
import { RemovalPolicy } from 'aws-cdk-lib';

export type TeardownSetting = 'retain' | 'destroy';

export interface Teardown {
  readonly setting: TeardownSetting;
  readonly removalPolicy: RemovalPolicy;
  /** Empty buckets on stack deletion (only with 'destroy'). */
  readonly autoDeleteObjects: boolean;
  /** RDS deletion protection (only with 'retain'). */
  readonly deletionProtection: boolean;
}

export function teardown(setting: TeardownSetting): Teardown {
  if (setting !== 'retain' && setting !== 'destroy') {
    throw new Error(`removalPolicy must be 'retain' or 'destroy', got ${JSON.stringify(setting)}. Pass -c removalPolicy=retain (production) or -c removalPolicy=destroy (sandboxes).`);
  }
  const destroy = setting === 'destroy';
  return {
    setting,
    removalPolicy: destroy ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN,
    autoDeleteObjects: destroy,
    deletionProtection: !destroy,
  };
}
