import { type OpenAPIObject } from '@nestjs/swagger';
import { RequestValidationError } from '@shop/http';
import addFormats from 'ajv-formats';
import { createHash } from 'node:crypto';
import { type ValidateFunction } from 'ajv';
import OpenAPIBackend, { type Operation } from 'openapi-backend';
import { API_PREFIX, type Route, ROUTES, type UpstreamName } from '../config/route-table';
import { type Upstreams, UPSTREAM_NAMES } from '../proxy/upstreams';
import { mergeOpenApi, openApiPath } from './merge-openapi';
import { GATEWAY_OPERATIONS } from './gateway-operations';

export interface IncomingRequest {
  /** The route table's pattern (`/products/:id`): names the operation without matching every path. */
  route: Route;
  /** The path parameters the route matched, decoded. */
  params: Record<string, string>;
  /** Lower-case names, as Node gives them. */
  headers: Record<string, string | string[] | undefined>;
  query: Record<string, string | string[]>;
  /** The parsed JSON body; undefined when there is none. */
  body: unknown;
}

/** One operation's validation, compiled when the documents change, not per request. */
interface CompiledOperation {
  /** openapi-backend's Ajv functions: one for the parameters (coercing), one for the body. */
  validators: ValidateFunction[];
  /** Query parameters of array type: a single value is validated as a one-item array. */
  arrayQuery: string[];
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
  // Compiled once per change of the documents: openapi-backend's own validateRequest parses
  // each request again (path pattern compiled, query cloned through lodash, cookies parsed).
  private operations = new Map<Route, CompiledOperation>();
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
    const { operations, unchecked } = await compileOperations(merged);
    for (const operationId of unchecked) {
      this.onError(
        `${operationId} is not validated at the edge: it declares a cookie parameter, or a query parameter with content or explode: false (its service validates it)`,
      );
    }
    this.operations = operations;
    this.signature = signature;
    this.documents = documents;
    this.merged = merged;
  }

  private scheduleNext(): void {
    if (this.stopped) return;
    // A service whose document is still missing is asked again soon; otherwise every refreshMs.
    const complete = this.known.length === UPSTREAM_NAMES.length;
    this.timer = setTimeout(() => void this.refresh(), complete ? this.refreshMs : 3_000);
    this.timer.unref();
  }

  /**
   * Throws RequestValidationError naming each bad field; an operation no
   * document describes (yet) passes: its service validates it anyway.
   */
  validate(request: IncomingRequest): void {
    const operation = this.operations.get(request.route);
    if (!operation) return;
    // Copies, arrays included: the parameters' validator coerces values in place ("20" → 20).
    const query: Record<string, unknown> = {};
    for (const [name, value] of Object.entries(request.query)) {
      query[name] = Array.isArray(value) ? [...value] : value;
    }
    for (const name of operation.arrayQuery) {
      const value = query[name];
      if (typeof value === 'string') query[name] = [value];
    }
    // The shape openapi-backend validates: the parameters by location, and the body.
    const parameters: Record<string, unknown> = {
      path: { ...request.params },
      query,
      header: { ...request.headers },
      cookie: {},
    };
    if (request.body !== undefined) parameters['requestBody'] = request.body;
    const errors = operation.validators.flatMap((validate) =>
      validate(parameters) ? [] : (validate.errors ?? []),
    );
    if (errors.length === 0) return;
    throw new RequestValidationError(
      errors.map((error) => ({
        field: fieldOf(error.instancePath, error.params),
        message: error.message ?? 'is not valid',
      })),
    );
  }
}

/**
 * The Ajv validators of every route's operation in the merged document,
 * compiled by openapi-backend (its schemas per location, the formats the
 * services declare) once, so a request only runs them.
 */
async function compileOperations(
  merged: OpenAPIObject,
): Promise<{ operations: Map<Route, CompiledOperation>; unchecked: string[] }> {
  const backend = new OpenAPIBackend({
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
  await backend.init();
  const operations = new Map<Route, CompiledOperation>();
  const unchecked: string[] = [];
  for (const route of ROUTES) {
    const path = `${API_PREFIX}${openApiPath(route.path)}`;
    const operation = backend.router.matchOperation({
      method: route.method,
      path,
      headers: {},
    }) as Operation | undefined;
    // Only the route's own operation: openapi-backend would also match `/users/me` to a
    // `/users/{id}` when the former is missing, whose parameters the route does not give.
    if (!operation?.operationId || operation.path !== path) continue;
    const parameters = (operation.parameters ?? []) as {
      in?: string;
      name?: string;
      schema?: { type?: string };
      content?: unknown;
      explode?: boolean;
    }[];
    // Parameters the edge does not decode (cookies, JSON or non-exploded query values):
    // the operation is left to its service rather than refused on a misreading.
    const undecoded = parameters.some(
      (parameter) =>
        parameter.in === 'cookie' ||
        (parameter.in === 'query' &&
          (parameter.content !== undefined || parameter.explode === false)),
    );
    if (undecoded) {
      unchecked.push(operation.operationId);
      continue;
    }
    operations.set(route, {
      validators: backend.validator.getRequestValidatorsForOperation(operation.operationId),
      arrayQuery: parameters
        .filter((parameter) => parameter.in === 'query' && parameter.schema?.type === 'array')
        .map((parameter) => parameter.name as string),
    });
  }
  return { operations, unchecked };
}

/**
 * `/requestBody/items/0/quantity` → `body.items[0].quantity`; a missing or
 * unknown property names itself (`query.colour`, not `query`).
 */
function fieldOf(instancePath: string, params: Record<string, unknown>): string {
  const parts = instancePath.split('/').filter(Boolean);
  for (const key of ['missingProperty', 'additionalProperty']) {
    if (typeof params[key] === 'string') parts.push(params[key]);
  }
  const [root, ...rest] = parts;
  const base = root === 'requestBody' ? 'body' : (root ?? 'request');
  return rest.reduce(
    (field, part) => (/^\d+$/.test(part) ? `${field}[${part}]` : `${field}.${part}`),
    base,
  );
}
