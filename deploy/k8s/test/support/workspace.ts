import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { writeDevSecrets } from '../../src/dev-secrets';
import { type KubernetesObject } from '../../src/kubernetes-object';
import { renderKustomization } from '../../src/kustomize';

export const workspaceRoot = resolve(__dirname, '../../../..');
export const k8sRoot = resolve(__dirname, '../..');

export const OVERLAYS = ['dev', 'prod'] as const;
export type Overlay = (typeof OVERLAYS)[number];

/** The five apps, as the apps and their READMEs define them. */
export const APPS = {
  gateway: { port: 3000, migrates: false, consumesKafka: false },
  user: { port: 3001, migrates: true, consumesKafka: false },
  catalog: { port: 3002, migrates: false, consumesKafka: true },
  order: { port: 3003, migrates: true, consumesKafka: true },
  payment: { port: 3004, migrates: true, consumesKafka: true },
} as const;
export type AppName = keyof typeof APPS;
export const APP_NAMES = Object.keys(APPS) as AppName[];

/**
 * A copy of deploy/k8s in a temporary directory: the dev overlay's secret
 * files are generated there (as `nx run k8s:dev-secrets` does), never in the
 * checkout, and whatever a developer generated in the checkout is left out.
 */
export function copyOfManifests(): { root: string; remove: () => void } {
  const root = mkdtempSync(join(tmpdir(), 'shop-k8s-'));
  for (const dir of ['base', 'components', 'overlays']) {
    cpSync(join(k8sRoot, dir), join(root, dir), { recursive: true });
  }
  const secrets = join(root, 'overlays', 'dev', 'secrets');
  rmSync(secrets, { recursive: true, force: true });
  cpSync(join(k8sRoot, 'overlays', 'dev', 'secrets'), secrets, {
    recursive: true,
    filter: (source) => !/\.(env|pem)$/.test(source),
  });
  writeDevSecrets(secrets);
  return { root, remove: () => rmSync(root, { recursive: true, force: true }) };
}

const rendered = new Map<Overlay, Promise<KubernetesObject[]>>();

/** Every overlay as kustomize renders it (once per test file). */
export function renderOverlay(overlay: Overlay): Promise<KubernetesObject[]> {
  let objects = rendered.get(overlay);
  if (!objects) {
    objects = (async () => {
      const copy = copyOfManifests();
      try {
        return await renderKustomization(join(copy.root, 'overlays', overlay));
      } finally {
        copy.remove();
      }
    })();
    rendered.set(overlay, objects);
  }
  return objects;
}
