import { join, resolve } from 'node:path';
import { type Account } from './system';

const workspaceRoot = resolve(__dirname, '../../..');

/** Git-ignored: the demo's logs, signing key and the process ids of its apps. */
export const DEMO_DIRECTORY = join(workspaceRoot, '.demo');
export const DEMO_PIDS_PATH = join(DEMO_DIRECTORY, 'pids.json');

/**
 * The demo's accounts (override with the user service's own variables). The
 * user service refuses a password that contains the email's name.
 */
export function demoAccounts(env: NodeJS.ProcessEnv = process.env): {
  admin: Account;
  customer: Account;
} {
  return {
    admin: {
      email: env['ADMIN_EMAIL'] ?? 'admin@example.com',
      password: env['ADMIN_PASSWORD'] ?? 'manage-the-shop-42',
    },
    customer: {
      email: env['DEMO_CUSTOMER_EMAIL'] ?? 'customer@example.com',
      password: env['DEMO_CUSTOMER_PASSWORD'] ?? 'buy-something-42',
    },
  };
}
