import { progress } from '../progress';
import { runOrFail } from '../run-command';

/**
 * Installs Debian packages for a server the provisioner could not find
 * (as root only; callers check). Keeps existing configuration files.
 */
export async function aptInstall(server: string, packageName: string): Promise<void> {
  progress.step(
    server,
    `server not found; installing Debian packages (apt-get install ${packageName})`,
  );
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  await runOrFail('apt-get update', 'apt-get', ['update', '-q'], { env });
  await runOrFail(
    `apt-get install ${packageName}`,
    'apt-get',
    [
      'install',
      '-y',
      '-q',
      '--no-install-recommends',
      '-o',
      'Dpkg::Options::=--force-confold',
      packageName,
    ],
    { env },
  );
}
