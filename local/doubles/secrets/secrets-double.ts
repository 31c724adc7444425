// A Secrets Manager double: GetSecretValue by ARN or name, answering as the SDK does
// (SecretString, ARN, Name, VersionId, VersionStages), and ResourceNotFoundException for an unknown id.
// https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_GetSecretValue.html
import { randomUUID } from 'node:crypto';
import { ResourceNotFoundException, type GetSecretValueCommandInput, type GetSecretValueCommandOutput } from '@aws-sdk/client-secrets-manager';

export interface SecretEntry {
  arn: string;
  /** The SecretString, or a function giving it when asked (a key file created later). */
  value: string | (() => Promise<string> | string);
}

export class SecretsDouble {
  private readonly secrets: { arn: string; name: string; value: SecretEntry['value']; versionId: string; created: Date }[] = [];

  add(entry: SecretEntry): void {
    const name = /:secret:(.+?)(-[A-Za-z0-9]{6})?$/.exec(entry.arn)?.[1] ?? entry.arn;
    this.secrets.push({ arn: entry.arn, name, value: entry.value, versionId: randomUUID(), created: new Date() });
  }

  async getSecretValue(input: GetSecretValueCommandInput): Promise<Omit<GetSecretValueCommandOutput, '$metadata'>> {
    const secret = this.secrets.find((s) => s.arn === input.SecretId || s.name === input.SecretId);
    if (!secret) {
      throw new ResourceNotFoundException({ message: "Secrets Manager can't find the specified secret.", $metadata: { httpStatusCode: 400 } });
    }
    return { ARN: secret.arn, Name: secret.name, VersionId: secret.versionId, SecretString: typeof secret.value === 'string' ? secret.value : await secret.value(), VersionStages: ['AWSCURRENT'], CreatedDate: secret.created };
  }
}
