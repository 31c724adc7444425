// Repository paths the CDK app needs (handler entries, the SQL tree, the lock file).
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

export const repoRoot = fileURLToPath(new URL('..', import.meta.url));
export const handlerEntry = (name: string): string => join(repoRoot, 'lambdas', 'handlers', `${name}.ts`);
export const sqlDir = join(repoRoot, 'sql');
export const lockFile = join(repoRoot, 'package-lock.json');
