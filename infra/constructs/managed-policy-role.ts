// An IAM role whose permissions land in one customer-managed policy instead of an inline DefaultPolicy
// (HIPAA.Security-IAMNoInlinePolicy): grants made through CDK's grant methods work unchanged.
import { ManagedPolicy, Role, type AddToPrincipalPolicyResult, type PolicyStatement, type RoleProps } from 'aws-cdk-lib/aws-iam';
import type { Construct } from 'constructs';

export class ManagedPolicyRole extends Role {
  private policy: ManagedPolicy | undefined;

  constructor(scope: Construct, id: string, props: RoleProps) {
    super(scope, id, props);
  }

  override addToPrincipalPolicy(statement: PolicyStatement): AddToPrincipalPolicyResult {
    this.policy ??= new ManagedPolicy(this, 'Policy', { roles: [this], description: `Permissions of ${this.node.path}` });
    this.policy.addStatements(statement);
    return { statementAdded: true, policyDependable: this.policy };
  }
}
