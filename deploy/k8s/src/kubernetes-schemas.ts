import {
  chmodSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  renameSync,
  rmSync,
} from 'node:fs';
import { join } from 'node:path';
import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import { type KubernetesObject, describeObject } from './kubernetes-object';
import { DeployToolError, requireGo, runCommand, toolCacheDir } from './tool-cache';
import { KUBERNETES_MODULE, KUBERNETES_VERSION } from './versions';

const specDir = join(toolCacheDir, `kubernetes-openapi-${KUBERNETES_VERSION}`);

/**
 * The API server's OpenAPI v3 documents of the pinned Kubernetes release, one
 * per group-version, copied out of the `k8s.io/kubernetes` module (fetched
 * once through the Go module proxy) into the tool cache.
 */
export async function ensureKubernetesOpenApi(): Promise<string> {
  if (existsSync(specDir)) return specDir;
  requireGo('fetches the Kubernetes OpenAPI documents');
  const download = await runCommand(
    `go mod download ${KUBERNETES_MODULE}@${KUBERNETES_VERSION}`,
    'go',
    ['mod', 'download', '-json', `${KUBERNETES_MODULE}@${KUBERNETES_VERSION}`],
    {
      env: { ...process.env, GOFLAGS: '-mod=mod' },
      hint: 'Go must reach the module proxy (GOPROXY).',
    },
  );
  const moduleDir = (JSON.parse(download.stdout) as { Dir?: string }).Dir;
  if (!moduleDir) throw new DeployToolError('go mod download did not report a module directory');
  mkdirSync(toolCacheDir, { recursive: true });
  // Copied aside and moved in whole: a parallel run never sees half the documents.
  const partial = mkdtempSync(join(toolCacheDir, 'kubernetes-openapi-'));
  try {
    cpSync(join(moduleDir, 'api', 'openapi-spec', 'v3'), partial, { recursive: true });
    // The module cache is read-only; the copy is an ordinary, removable directory.
    for (const file of readdirSync(partial)) chmodSync(join(partial, file), 0o644);
    chmodSync(partial, 0o755);
    renameSync(partial, specDir);
  } catch (error) {
    // A parallel run may have moved the same documents in first.
    if (!existsSync(specDir)) throw error;
  } finally {
    rmSync(partial, { recursive: true, force: true });
  }
  return specDir;
}

type JsonSchema = { [keyword: string]: unknown };

/**
 * Validates objects against the pinned Kubernetes API, strictly: like
 * `kubectl apply --validate=strict` (and kubeconform -strict), a field the API
 * does not know is an error, not silently dropped.
 */
export class KubernetesSchemas {
  private readonly ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
  private readonly validators = new Map<string, ValidateFunction>();
  private readonly loadedDocuments = new Set<string>();

  private constructor(private readonly dir: string) {}

  static async load(): Promise<KubernetesSchemas> {
    return new KubernetesSchemas(await ensureKubernetesOpenApi());
  }

  /** The schema violations of one object, each as `path: message`; none when it is valid. */
  validate(object: KubernetesObject): string[] {
    if (typeof object.apiVersion !== 'string' || typeof object.kind !== 'string') {
      return ['apiVersion and kind are required'];
    }
    const validator = this.validatorFor(object.apiVersion, object.kind);
    if (!validator) {
      return [`no ${object.kind} in ${object.apiVersion} in Kubernetes ${KUBERNETES_VERSION}`];
    }
    if (validator(object)) return [];
    return (validator.errors ?? []).map((error) => formatError(error));
  }

  /** Throws with every violation of every invalid object. */
  assertValid(objects: KubernetesObject[]): void {
    const problems = objects.flatMap((object) =>
      this.validate(object).map((problem) => `${describeObject(object)}: ${problem}`),
    );
    if (problems.length > 0) throw new DeployToolError(problems.join('\n'));
  }

  private validatorFor(apiVersion: string, kind: string): ValidateFunction | undefined {
    const key = `${apiVersion}/${kind}`;
    const known = this.validators.get(key);
    if (known) return known;
    const [group, version] = apiVersion.includes('/') ? apiVersion.split('/') : ['', apiVersion];
    const file = group ? `apis__${group}__${version}_openapi.json` : `api__${version}_openapi.json`;
    if (!existsSync(join(this.dir, file))) return undefined;
    const documentId = `k8s:${file}`;
    const schemas = this.loadDocument(documentId, file);
    const name = Object.keys(schemas).find((candidate) =>
      groupVersionKinds(schemas[candidate]).some(
        (gvk) => gvk.group === group && gvk.version === version && gvk.kind === kind,
      ),
    );
    if (!name) return undefined;
    const validator = this.ajv.compile({
      $ref: `${documentId}#/components/schemas/${name.replaceAll('~', '~0').replaceAll('/', '~1')}`,
    });
    this.validators.set(key, validator);
    return validator;
  }

  private loadDocument(documentId: string, file: string): Record<string, JsonSchema> {
    const document = JSON.parse(readFileSync(join(this.dir, file), 'utf8')) as {
      components?: { schemas?: Record<string, JsonSchema> };
    };
    const schemas = document.components?.schemas ?? {};
    if (!this.loadedDocuments.has(documentId)) {
      for (const schema of Object.values(schemas)) closeObjects(schema);
      this.ajv.addSchema({ $id: documentId, components: { schemas } });
      this.loadedDocuments.add(documentId);
    }
    return schemas;
  }
}

function groupVersionKinds(
  schema: JsonSchema | undefined,
): { group: string; version: string; kind: string }[] {
  const gvks = schema?.['x-kubernetes-group-version-kind'];
  return Array.isArray(gvks) ? (gvks as { group: string; version: string; kind: string }[]) : [];
}

/**
 * Forbids unknown fields: every object schema that lists its properties and
 * says nothing about others gets `additionalProperties: false` (what
 * kubeconform's strict schemas do), unless the API keeps unknown fields.
 */
function closeObjects(schema: unknown): void {
  if (Array.isArray(schema)) {
    for (const item of schema) closeObjects(item);
    return;
  }
  if (schema === null || typeof schema !== 'object') return;
  const node = schema as JsonSchema;
  if (
    node['properties'] !== undefined &&
    node['additionalProperties'] === undefined &&
    node['x-kubernetes-preserve-unknown-fields'] !== true
  ) {
    node['additionalProperties'] = false;
  }
  for (const [keyword, value] of Object.entries(node)) {
    if (keyword === 'properties' && value && typeof value === 'object') {
      for (const property of Object.values(value as JsonSchema)) closeObjects(property);
    } else if (keyword !== 'default' && keyword !== 'example' && keyword !== 'enum') {
      closeObjects(value);
    }
  }
}

function formatError(error: ErrorObject): string {
  const path = error.instancePath || '/';
  if (error.keyword === 'additionalProperties') {
    const field = (error.params as { additionalProperty: string }).additionalProperty;
    return `${path}: unknown field "${field}"`;
  }
  return `${path}: ${error.message ?? error.keyword}`;
}
