import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { SecretsKeyProvider, decodeKeyText } from '../../../lambdas/adapters/aws/secrets-key-provider.js';

const sm = mockClient(SecretsManagerClient);
const provider = () => new SecretsKeyProvider({ client: new SecretsManagerClient({ region: 'eu-west-1' }), secretId: 'arn:secret:key' });
const hex32 = 'ab'.repeat(32);

afterEach(() => sm.reset());

describe('Class: SecretsKeyProvider', () => {
  it('reads the secret once with GetSecretValue and caches the key', async () => {
    sm.on(GetSecretValueCommand, { SecretId: 'arn:secret:key' }).resolves({ SecretString: hex32 });
    const p = provider();
    const [a, b] = await Promise.all([p.pseudonymKey(), p.pseudonymKey()]);
    expect(a).toEqual(new Uint8Array(32).fill(0xab));
    expect(b).toBe(a);
    expect(sm.commandCalls(GetSecretValueCommand)).toHaveLength(1);
  });

  it.each([
    ['hex', hex32, 32],
    ['base64', Buffer.alloc(48, 7).toString('base64'), 48],
  ])('decodes %s text', (_l, text, bytes) => {
    expect(decodeKeyText(text)).toHaveLength(bytes);
  });

  it('refuses a key shorter than 32 bytes with a clear message', async () => {
    sm.on(GetSecretValueCommand).resolves({ SecretString: 'abcd' });
    await expect(provider().pseudonymKey()).rejects.toMatchObject({ code: 'BAD_CONFIG', message: expect.stringContaining('at least 32') });
  });

  it('names the secret when it is missing, and does not cache the failure', async () => {
    sm.on(GetSecretValueCommand).rejectsOnce(Object.assign(new Error('nope'), { name: 'ResourceNotFoundException' })).resolves({ SecretString: hex32 });
    const p = provider();
    await expect(p.pseudonymKey()).rejects.toMatchObject({ code: 'BAD_CONFIG', message: expect.stringContaining('arn:secret:key') });
    await expect(p.pseudonymKey()).resolves.toHaveLength(32);
  });
});
