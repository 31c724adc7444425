// cdk-nag 3 (AWS Solutions + HIPAA Security) over the whole app: no unacknowledged finding may remain,
// and every acknowledgement carries a reason.
import { Validations } from 'aws-cdk-lib';
import type { PolicyViolation } from 'aws-cdk-lib';
import { beforeAll, describe, expect, it } from 'vitest';
import { nagPacks } from '../../infra/nag.js';
import { buildPipelineApp } from '../../infra/pipeline-app.js';

const findings = (acknowledgeNag: boolean): PolicyViolation[] => {
  const { app } = buildPipelineApp({ skipBundling: true, nag: false, acknowledgeNag });
  app.synth(); // resolve cross-stack references as the real validation sees them
  return nagPacks(app).flatMap((pack) => pack.validateScope(app).violations);
};
const count = (violations: PolicyViolation[]) => violations.reduce((n, v) => n + v.violatingResources.length, 0);

let raw: PolicyViolation[];
let remaining: PolicyViolation[];
beforeAll(() => {
  raw = findings(false);
  remaining = findings(true);
});

describe('cdk-nag: AwsSolutions + HIPAA.Security', () => {
  it('leaves no unacknowledged finding', () => {
    const listed = remaining.flatMap((v) => v.violatingResources.map((r) => `${v.ruleName} ${r.constructPath}`));
    expect(listed).toEqual([]);
  });

  it("leaves none with removalPolicy 'destroy' either", () => {
    const { app } = buildPipelineApp({ skipBundling: true, nag: false, removalPolicy: 'destroy' });
    app.synth();
    const left = nagPacks(app).flatMap((pack) => pack.validateScope(app).violations).map((v) => v.ruleName);
    expect(left).toEqual([]);
  });

  it('acknowledges findings only with a rule id and a reason', () => {
    const { app } = buildPipelineApp({ skipBundling: true, nag: false });
    const acknowledgements = app.node
      .findAll()
      .flatMap((c) => c.node.metadata.filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY))
      .flatMap((m) => Object.entries(m.data as Record<string, string>))
      .filter(([id]) => /^(Annotation::)?(AwsSolutions|HIPAA\.Security)-/i.test(id)); // aws-cdk-lib records its own (CloudFormation-Validate::...)
    expect(acknowledgements.length).toBeGreaterThan(0);
    for (const [id, reason] of acknowledgements) {
      expect(id).toMatch(/(AwsSolutions|HIPAA\.Security)-[A-Za-z0-9]+(\[.+\])?$/);
      expect(String(reason).length, id).toBeGreaterThan(40);
    }
    console.log(`cdk-nag findings: ${count(raw)} before acknowledgements, ${count(remaining)} after (${acknowledgements.length} acknowledgements)`);
  });
});
