import { type OpenAPIObject } from '@nestjs/swagger';
import {
  API_PREFIX,
  PATH_PARAMETER_FORMATS,
  type Route,
  type UpstreamName,
} from '../config/route-table';

type Operation = Record<string, unknown>;

const SCHEMA_REF = '#/components/schemas/';

/** `/products/:id` → `/products/{id}` */
export const openApiPath = (path: string): string => path.replace(/:(\w+)/g, '{$1}');

const prefixOf = (upstream: string): string => upstream[0]?.toUpperCase() + upstream.slice(1);

interface Parameter {
  in?: string;
  name?: string;
  schema?: Record<string, unknown>;
}

/**
 * The operation's path parameters in the format the edge enforces
 * (PATH_PARAMETER_FORMATS), and the edge's 400 for a value in another one.
 */
function withPathFormats(operation: Operation): Operation {
  const parameters = operation['parameters'] as Parameter[] | undefined;
  if (!parameters?.some((parameter) => parameter.in === 'path')) return operation;
  const responses = (operation['responses'] ?? {}) as Record<string, unknown>;
  return {
    ...operation,
    parameters: parameters.map((parameter) => {
      const format = parameter.in === 'path' && PATH_PARAMETER_FORMATS[parameter.name ?? ''];
      return format
        ? { ...parameter, schema: { ...parameter.schema, type: 'string', format } }
        : parameter;
    }),
    responses: {
      '400': {
        description:
          'A path parameter not in its format (`invalid-request`, naming it), or a path with a dot or empty segment, a backslash or an encoded separator (`invalid-path`); application/problem+json',
      },
      ...responses,
    },
  };
}

/** Rewrites `$ref`s to the service's schemas, renamed `<Service><Schema>` so services never collide. */
function rewriteRefs<T>(value: T, prefix: string): T {
  if (Array.isArray(value)) return value.map((item) => rewriteRefs(item, prefix)) as T;
  if (!value || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, inner]) => [
      key,
      key === '$ref' && typeof inner === 'string' && inner.startsWith(SCHEMA_REF)
        ? `${SCHEMA_REF}${prefix}${inner.slice(SCHEMA_REF.length)}`
        : rewriteRefs(inner, prefix),
    ]),
  ) as T;
}

/**
 * The public API as one document: for each route of the table, the operation
 * its service documents (under `/api/v1`), with that service's schemas
 * renamed by service, and its path parameters in the format the edge
 * enforces. Routes whose service's document is not (yet) known are
 * left out; the gateway's own operations are added as they are.
 */
export function mergeOpenApi(
  documents: Partial<Record<UpstreamName, OpenAPIObject>>,
  routes: readonly Route[],
  own: { paths: OpenAPIObject['paths']; schemas?: Record<string, unknown> } = { paths: {} },
): OpenAPIObject {
  const paths: Record<string, Record<string, Operation>> = {};
  const schemas: Record<string, unknown> = { ...own.schemas };
  const tags = new Map<string, { name: string; description?: string }>();
  for (const [upstream, document] of Object.entries(documents) as [UpstreamName, OpenAPIObject][]) {
    const prefix = prefixOf(upstream);
    for (const [name, schema] of Object.entries(document.components?.schemas ?? {})) {
      schemas[`${prefix}${name}`] = rewriteRefs(schema, prefix);
    }
    for (const tag of document.tags ?? []) tags.set(tag.name, tag);
  }
  for (const route of routes) {
    const document = documents[route.upstream as UpstreamName];
    const path = openApiPath(route.path);
    const method = route.method.toLowerCase();
    const operation = (document?.paths[path] as Record<string, Operation> | undefined)?.[method];
    if (!document || !operation) continue;
    const publicPath = `${API_PREFIX}${path}`;
    const prefix = prefixOf(route.upstream);
    paths[publicPath] = {
      ...paths[publicPath],
      [method]: {
        ...withPathFormats(rewriteRefs(operation, prefix)),
        // Unique across services (two could both have a ProductsController_get).
        operationId: `${prefix}_${String(operation['operationId'] ?? `${method}${publicPath}`)}`,
        ...(route.access === 'public' ? { security: [] } : { security: [{ bearer: [] }] }),
      },
    };
  }
  for (const [path, operations] of Object.entries(own.paths)) {
    paths[path] = { ...paths[path], ...(operations as Record<string, Operation>) };
  }
  return {
    openapi: '3.0.0',
    info: {
      title: 'shop API',
      version: '1.0.0',
      description:
        'The public API of the shop, through its gateway: one document merged from the services’ own. Errors are application/problem+json.',
    },
    servers: [{ url: '/' }],
    tags: [...tags.values()],
    paths: paths as OpenAPIObject['paths'],
    components: {
      schemas: schemas as NonNullable<OpenAPIObject['components']>['schemas'],
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
    },
  };
}
