// cdk-nag 3: the AWS Solutions and HIPAA Security packs run as CDK policy-validation plugins over the
// whole app (synthesis fails on an unacknowledged finding). Acknowledgements live in acknowledgements.ts,
// each naming the rule id and why the finding does not apply or is accepted.
import { Validations, type App } from 'aws-cdk-lib';
import { AwsSolutionsChecks, HIPAASecurityChecks, type NagPack } from 'cdk-nag';

export const nagPacks = (app: App): NagPack[] => [new AwsSolutionsChecks(app), new HIPAASecurityChecks(app)];

export function applyNag(app: App): void {
  Validations.of(app).addPlugins(...nagPacks(app));
}
