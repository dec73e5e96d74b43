import { type OpenAPIObject } from '@nestjs/swagger';
import { RequestValidationError } from '@shop/http';
import addFormats from 'ajv-formats';
import { createHash } from 'node:crypto';
import OpenAPIBackend, { type Operation } from 'openapi-backend';
import { API_PREFIX, type Route, ROUTES, type UpstreamName } from '../config/route-table';
import { type Upstreams, UPSTREAM_NAMES } from '../proxy/upstreams';
import { mergeOpenApi, openApiPath } from './merge-openapi';
import { GATEWAY_OPERATIONS } from './gateway-operations';

export interface IncomingRequest {
  /** The route table's pattern (`/products/:id`): names the operation without matching every path. */
  route: Route;
  method: string;
  path: string;
  headers: Record<string, string | string[] | undefined>;
  query: Record<string, string | string[]>;
  body: unknown;
}

/**
 * The merged OpenAPI document of the public API, and request validation
 * against it (openapi-backend, Ajv). The services' documents are fetched from
 * their `/docs-json` at start and every `refreshMs`; a service not reachable
 * yet is retried every few seconds, and until its document is known its
 * routes are forwarded unvalidated (the service validates them anyway).
 */
export class OpenApiRegistry {
  private documents: Partial<Record<UpstreamName, OpenAPIObject>> = {};
  private merged: OpenAPIObject = mergeOpenApi({}, ROUTES, GATEWAY_OPERATIONS);
  private validator: OpenAPIBackend | undefined;
  // Resolved once per refresh: openapi-backend would otherwise rebuild its operation list per request.
  private operations = new Map<Route, Operation>();
  private timer: NodeJS.Timeout | undefined;
  private signature = '';
  private stopped = false;

  constructor(
    private readonly upstreams: Upstreams,
    private readonly refreshMs: number,
    private readonly onError: (message: string) => void,
  ) {}

  get document(): OpenAPIObject {
    return this.merged;
  }

  /** Which services' documents are merged in. */
  get known(): UpstreamName[] {
    return Object.keys(this.documents) as UpstreamName[];
  }

  start(): void {
    void this.refresh();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  async refresh(): Promise<void> {
    try {
      await this.rebuild();
    } catch (error) {
      // A document that cannot be merged or compiled leaves the last good one in place.
      this.onError(`OpenAPI refresh failed: ${(error as Error).message}`);
    } finally {
      this.scheduleNext();
    }
  }

  private async rebuild(): Promise<void> {
    const fetched = await Promise.all(
      UPSTREAM_NAMES.map(async (name) => {
        try {
          const { status, body } = await this.upstreams.get(name).request({ path: '/docs-json' });
          if (status !== 200) throw new Error(`answered ${status}`);
          const paths = (body as { paths?: unknown } | undefined)?.paths;
          if (typeof paths !== 'object' || paths === null)
            throw new Error('not an OpenAPI document');
          return [name, body as OpenAPIObject] as const;
        } catch (error) {
          this.onError(`OpenAPI document of ${name}: ${(error as Error).message}`);
          return [name, this.documents[name]] as const;
        }
      }),
    );
    const documents = Object.fromEntries(fetched.filter(([, document]) => document !== undefined));
    const merged = mergeOpenApi(documents, ROUTES, GATEWAY_OPERATIONS);
    // Compiling the validators takes the event loop for a while: only when a document changed.
    const signature = createHash('sha1').update(JSON.stringify(merged)).digest('hex');
    if (signature === this.signature) return;
    const validator = new OpenAPIBackend({
      definition: structuredClone(merged) as never,
      strict: false,
      validate: true,
      ajvOpts: { allErrors: true, strict: false },
      // uuid, date-time, email…: the formats the services declare are checked too.
      customizeAjv: (ajv) => {
        addFormats(ajv);
        return ajv;
      },
    });
    await validator.init();
    const operations = new Map<Route, Operation>();
    for (const route of ROUTES) {
      const operation = validator.router.matchOperation({
        method: route.method,
        path: `${API_PREFIX}${openApiPath(route.path)}`,
        headers: {},
      });
      if (operation) operations.set(route, operation);
    }
    this.operations = operations;
    this.signature = signature;
    this.documents = documents;
    this.merged = merged;
    this.validator = validator;
  }

  private scheduleNext(): void {
    if (this.stopped) return;
    // A service whose document is still missing is asked again soon; otherwise every refreshMs.
    const complete = this.known.length === UPSTREAM_NAMES.length;
    this.timer = setTimeout(() => void this.refresh(), complete ? this.refreshMs : 3_000);
    this.timer.unref();
  }

  /** Throws RequestValidationError naming each bad field; unknown operations pass. */
  validate(request: IncomingRequest): void {
    const validator = this.validator;
    const operation = this.operations.get(request.route);
    if (!validator || !operation) return;
    const headers = Object.fromEntries(
      Object.entries(request.headers).filter(
        (entry): entry is [string, string | string[]] => entry[1] !== undefined,
      ),
    );
    const candidate = {
      method: request.method,
      path: request.path,
      headers,
      query: request.query,
      body: request.body,
    };
    const result = validator.validateRequest(candidate, operation);
    if (result.valid) return;
    throw new RequestValidationError(
      (result.errors ?? []).map((error) => ({
        field: fieldOf(error.instancePath, error.params),
        message: error.message ?? 'is not valid',
      })),
    );
  }
}

/** `/requestBody/items/0/quantity` → `body.items[0].quantity`; a missing property names itself. */
function fieldOf(instancePath: string, params: Record<string, unknown>): string {
  const parts = instancePath.split('/').filter(Boolean);
  if (typeof params['missingProperty'] === 'string') parts.push(params['missingProperty']);
  const [root, ...rest] = parts;
  const base = root === 'requestBody' ? 'body' : (root ?? 'request');
  return rest.reduce(
    (field, part) => (/^\d+$/.test(part) ? `${field}[${part}]` : `${field}.${part}`),
    base,
  );
}
