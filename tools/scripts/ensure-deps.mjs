// Installs the workspace's dependencies when they are missing or older than the
// lockfile, so `npm test` and `npm run demo` work on a fresh clone. Plain Node:
// it must run before anything is installed.
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const lockfile = join(root, 'package-lock.json');
// npm writes this after every successful install.
const installed = join(root, 'node_modules', '.package-lock.json');

const upToDate = existsSync(installed) && statSync(installed).mtimeMs >= statSync(lockfile).mtimeMs;

if (!upToDate) {
  process.stderr.write('[deps] installing dependencies from package-lock.json (npm ci)\n');
  const result = spawnSync('npm', ['ci', '--no-audit', '--no-fund'], {
    cwd: root,
    stdio: ['ignore', process.stderr, process.stderr],
  });
  if (result.status !== 0) {
    process.stderr.write(
      '[deps] error: `npm ci` failed; see its output above. It needs the npm registry and Node 20.19+.\n',
    );
    process.exit(result.status ?? 1);
  }
}
