// `npm run fork -- <app> <directory>`: one app out of the monorepo, as its own repository.
import { resolve } from 'node:path';
import { forkService } from './fork-service';

async function main(): Promise<void> {
  const [app, directory] = process.argv.slice(2);
  if (!app || !directory) throw new Error('usage: npm run fork -- <app> <directory>');
  const fork = await forkService(app, resolve(directory));
  process.stdout.write(
    `${fork.app} forked into ${fork.directory}\n` +
      `  with: ${fork.projects.join(', ')}\n` +
      `  next: cd ${directory} && git init && npm install && npm run typecheck && npm test\n` +
      '  then: docs/fork-a-service.md (what to do about the shared libraries)\n',
  );
}

main().catch((error: unknown) => {
  process.stderr.write(`fork failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
