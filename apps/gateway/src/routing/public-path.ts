import { RequestValidationError } from '@shop/http';
import { validate as isUuid } from 'uuid';
import { PATH_PARAMETER_FORMATS, type Route } from '../config/route-table';
import { invalidPath } from '../edge/edge.errors';

export interface PublicPath {
  /** The path under the API prefix, as sent (still percent-encoded). */
  path: string;
  /** The query string with its `?`, or empty. */
  query: string;
}

// Percent-encoded `.`, `/` and `\`: decoded by a server behind, they would be dot segments or separators.
const ENCODED_SEPARATOR = /%(2e|2f|5c)/i;

/**
 * Splits a request's path from its query, refusing a path that could name
 * something else once a URL parser or a service normalises it: a backslash
 * (WHATWG URL parsers read it as `/`), a dot segment (`.`, `..`), an empty
 * segment (`//` would make the forwarded path a URL of another host), or one
 * of those percent-encoded. One trailing slash is allowed.
 */
export function publicPathOf(pathAndQuery: string): PublicPath {
  const queryAt = pathAndQuery.indexOf('?');
  const path = (queryAt < 0 ? pathAndQuery : pathAndQuery.slice(0, queryAt)) || '/';
  const query = queryAt < 0 ? '' : pathAndQuery.slice(queryAt);
  const segments = path.replace(/\/$/, '').split('/').slice(1);
  const refused =
    path.includes('\\') ||
    ENCODED_SEPARATOR.test(path) ||
    segments.some((segment) => segment === '' || segment === '.' || segment === '..');
  if (refused) throw invalidPath();
  return { path, query };
}

/** Refuses (400, naming each) the path parameters not in their declared format. */
export function assertPathParameters(params: Record<string, string>): void {
  const invalid = Object.entries(params).filter(
    ([name, value]) => PATH_PARAMETER_FORMATS[name] === 'uuid' && !isUuid(value),
  );
  if (invalid.length === 0) return;
  throw new RequestValidationError(
    invalid.map(([name]) => ({ field: `path.${name}`, message: 'must be a UUID' })),
  );
}

/** The path a service gets: the route's template, each parameter encoded as one segment. */
export function upstreamPathOf(route: Route, params: Record<string, string>): string {
  return route.path.replace(/:(\w+)/g, (_, name: string) =>
    encodeURIComponent(params[name] as string),
  );
}
