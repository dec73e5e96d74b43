// `npx nx run k8s:dev-secrets`: writes the dev overlay's missing secret files.
import { basename, relative } from 'node:path';
import { writeDevSecrets } from './dev-secrets';

const { written, kept } = writeDevSecrets();
const show = (path: string): string => relative(process.cwd(), path);
for (const path of written) process.stdout.write(`wrote ${show(path)}\n`);
for (const path of kept) process.stdout.write(`kept  ${show(path)}\n`);
if (written.length > 0 && kept.some((path) => basename(path) === 'postgres.env')) {
  process.stdout.write('(database URLs use the passwords already in postgres.env)\n');
}
process.stdout.write(
  'The demo admin is in user.env (ADMIN_EMAIL, ADMIN_PASSWORD). Next: kubectl apply -k deploy/k8s/overlays/dev\n',
);
