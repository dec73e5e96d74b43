import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { InfraError } from './infra-error';
import { workspacePaths } from './workspace-paths';

/**
 * Passwords for the local servers, generated on first use and kept in
 * `.infra/credentials.json` (mode 0600, git-ignored): none is ever committed.
 */
export interface Credentials {
  postgresAdmin: string;
  roles: Record<string, string>;
}

const file = join(workspacePaths.state, 'credentials.json');
const generate = (): string => randomBytes(18).toString('base64url');

export function loadCredentials(): Credentials {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    const fresh: Credentials = { postgresAdmin: generate(), roles: {} };
    saveCredentials(fresh);
    return fresh;
  }
  try {
    return JSON.parse(text) as Credentials;
  } catch {
    throw new InfraError(
      `${file} is not valid JSON.`,
      'Restore it, or remove .infra/ and the cluster data it belongs to.',
    );
  }
}

export function updateAdminPassword(credentials: Credentials, password: string): void {
  if (credentials.postgresAdmin === password) return;
  credentials.postgresAdmin = password;
  saveCredentials(credentials);
}

/** Whether this checkout generated (and so knows) the role's password. */
export function knowsRole(credentials: Credentials, role: string): boolean {
  return role in credentials.roles;
}

export function rolePassword(credentials: Credentials, role: string): string {
  let password = credentials.roles[role];
  if (!password) {
    password = generate();
    credentials.roles[role] = password;
    saveCredentials(credentials);
  }
  return password;
}

function saveCredentials(credentials: Credentials): void {
  mkdirSync(workspacePaths.state, { recursive: true });
  writeFileSync(file, JSON.stringify(credentials, null, 2), { mode: 0o600 });
}
