import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
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
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Credentials;
  } catch {
    const fresh: Credentials = { postgresAdmin: generate(), roles: {} };
    saveCredentials(fresh);
    return fresh;
  }
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
