// `npx nx run k8s:render --args=<overlay>`: prints an overlay (dev, prod) as
// kustomize renders it, after validating it against the Kubernetes API schemas,
// with the pinned kustomize (no kubectl needed).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { devSecretsDir } from './dev-secrets';
import { KubernetesSchemas } from './kubernetes-schemas';
import { renderKustomization } from './kustomize';

async function main(): Promise<void> {
  const overlay = process.argv[2];
  if (overlay !== 'dev' && overlay !== 'prod') {
    throw new Error('usage: nx run k8s:render --args=<dev|prod>');
  }
  if (overlay === 'dev' && !existsSync(join(devSecretsDir, 'postgres.env'))) {
    throw new Error(
      'the dev overlay needs its secret files: run `npx nx run k8s:dev-secrets` first',
    );
  }
  const objects = await renderKustomization(join(__dirname, '..', 'overlays', overlay));
  (await KubernetesSchemas.load()).assertValid(objects);
  process.stdout.write(objects.map((object) => stringify(object)).join('---\n'));
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
