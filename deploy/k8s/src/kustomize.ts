import { existsSync, mkdirSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { type KubernetesObject } from './kubernetes-object';
import { DeployToolError, requireGo, runCommand, toolCacheDir } from './tool-cache';
import { KUSTOMIZE_MODULE, KUSTOMIZE_VERSION } from './versions';

const kustomizeBinary = join(toolCacheDir, `kustomize-${KUSTOMIZE_VERSION}`, 'kustomize');

/** The pinned kustomize, built from the Go module proxy on first use and cached. */
export async function ensureKustomize(): Promise<string> {
  if (existsSync(kustomizeBinary)) return kustomizeBinary;
  requireGo('builds kustomize');
  mkdirSync(toolCacheDir, { recursive: true });
  // Built aside and moved in whole: a parallel run never sees half a binary.
  const buildDir = mkdtempSync(join(toolCacheDir, 'kustomize-build-'));
  try {
    await runCommand(
      `go install ${KUSTOMIZE_MODULE}@${KUSTOMIZE_VERSION}`,
      'go',
      ['install', `${KUSTOMIZE_MODULE}@${KUSTOMIZE_VERSION}`],
      {
        env: { ...process.env, GOBIN: buildDir, CGO_ENABLED: '0', GOFLAGS: '-mod=mod' },
        hint: 'Go must reach the module proxy (GOPROXY).',
      },
    );
    mkdirSync(join(toolCacheDir, `kustomize-${KUSTOMIZE_VERSION}`), { recursive: true });
    renameSync(join(buildDir, 'kustomize'), kustomizeBinary);
  } finally {
    rmSync(buildDir, { recursive: true, force: true });
  }
  return kustomizeBinary;
}

/** `kustomize build <dir>`: the overlay's objects, in kustomize's order. */
export async function renderKustomization(dir: string): Promise<KubernetesObject[]> {
  const kustomize = await ensureKustomize();
  const { stdout } = await runCommand(`kustomize build ${dir}`, kustomize, ['build', dir]);
  return parseManifests(stdout, dir);
}

/** A YAML stream of Kubernetes objects; empty documents are skipped, a malformed one throws. */
export function parseManifests(text: string, source: string): KubernetesObject[] {
  return parseAllDocuments(text).flatMap((document) => {
    if (document.errors.length > 0) {
      throw new DeployToolError(`${source}: ${document.errors.map((e) => e.message).join('; ')}`);
    }
    const value: unknown = document.toJS();
    if (value === null || value === undefined) return [];
    if (typeof value !== 'object' || Array.isArray(value)) {
      throw new DeployToolError(`${source}: a document is not a Kubernetes object`);
    }
    return [value as KubernetesObject];
  });
}
