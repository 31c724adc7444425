// The pseudonym HMAC key from Secrets Manager, fetched once per container and cached. The secret is
// the key as hex (64+ hex digits) or base64 text, or binary; anything under 32 bytes is refused.
import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { PipelineError } from '../../core/errors.js';
import type { KeyProvider } from '../../ports.js';

export const MIN_KEY_BYTES = 32;

export interface SecretsKeyProviderProps {
  client: SecretsManagerClient;
  /** ARN or name of the secret. */
  secretId: string;
}

export class SecretsKeyProvider implements KeyProvider {
  private cached: Promise<Uint8Array> | undefined;

  constructor(private readonly props: SecretsKeyProviderProps) {
    if (!props.secretId) throw new PipelineError('BAD_CONFIG', 'SecretsKeyProvider needs a secret id.', 'Set PSEUDONYM_KEY_SECRET_ARN (the CDK app does this for the anonymize function).');
  }

  pseudonymKey(): Promise<Uint8Array> {
    this.cached ??= this.fetch().catch((e: unknown) => {
      this.cached = undefined; // a failed fetch is not cached; the next call tries again
      throw e;
    });
    return this.cached;
  }

  private async fetch(): Promise<Uint8Array> {
    const { secretId } = this.props;
    let out;
    try {
      out = await this.props.client.send(new GetSecretValueCommand({ SecretId: secretId }));
    } catch (cause) {
      const name = (cause as Error).name;
      throw new PipelineError(
        'BAD_CONFIG',
        `Cannot read the pseudonym key secret ${secretId} (${name}).`,
        name === 'ResourceNotFoundException' ? 'Deploy the storage stack, which creates the secret, or fix PSEUDONYM_KEY_SECRET_ARN.' : 'Check the function may secretsmanager:GetSecretValue on it and kms:Decrypt its key.',
        { cause },
      );
    }
    const key = out.SecretBinary ?? (out.SecretString !== undefined ? decodeKeyText(out.SecretString) : undefined);
    if (!key || key.length < MIN_KEY_BYTES) {
      throw new PipelineError(
        'BAD_CONFIG',
        `The pseudonym key secret ${secretId} holds ${key?.length ?? 0} bytes; at least ${MIN_KEY_BYTES} are needed.`,
        'Store 32+ random bytes as hex or base64, e.g. `openssl rand -hex 32`.',
      );
    }
    return key;
  }
}

/** Hex when the text is only hex digits (even length), otherwise base64. */
export function decodeKeyText(text: string): Uint8Array {
  const trimmed = text.trim();
  if (/^(?:[0-9a-fA-F]{2})+$/.test(trimmed)) return new Uint8Array(Buffer.from(trimmed, 'hex'));
  if (/^[A-Za-z0-9+/_-]+={0,2}$/.test(trimmed)) return new Uint8Array(Buffer.from(trimmed, 'base64'));
  return new Uint8Array(0);
}
