import { type HttpMethod, PATH_PARAMETER_FORMATS, type Route } from '../config/route-table';

interface CompiledRoute {
  route: Route;
  segments: string[];
}

export interface RouteMatch {
  route: Route;
  params: Record<string, string>;
}

const METHODS: readonly HttpMethod[] = ['GET', 'POST', 'PATCH', 'PUT', 'DELETE'];

/** Matches a method and path (without the API prefix) against the route table. */
export class RouteMatcher {
  private readonly byMethod = new Map<string, CompiledRoute[]>();

  constructor(routes: readonly Route[]) {
    for (const route of routes) {
      const segments = route.path.split('/').filter(Boolean);
      for (const part of segments) {
        if (part.startsWith(':') && !PATH_PARAMETER_FORMATS[part.slice(1)]) {
          throw new Error(
            `${route.method} ${route.path}: the path parameter ${part} has no format in PATH_PARAMETER_FORMATS`,
          );
        }
      }
      this.byMethod.set(route.method, [
        ...(this.byMethod.get(route.method) ?? []),
        { route, segments },
      ]);
    }
  }

  match(method: string, path: string): RouteMatch | undefined {
    const segments = path.split('/').filter(Boolean);
    // Literal segments win over parameters: /products/lookup is not /products/:id.
    let best: { match: RouteMatch; literals: number } | undefined;
    for (const { route, segments: pattern } of this.byMethod.get(method) ?? []) {
      if (pattern.length !== segments.length) continue;
      const params: Record<string, string> = {};
      let literals = 0;
      const matches = pattern.every((part, index) => {
        const actual = segments[index] as string;
        if (part.startsWith(':')) {
          params[part.slice(1)] = decodeURIComponent(actual);
          return true;
        }
        literals += 1;
        return part === actual;
      });
      if (matches && (!best || literals > best.literals)) {
        best = { match: { route, params }, literals };
      }
    }
    return best?.match;
  }

  /** The methods the table serves on this path: the `Allow` of a 405, none for an unknown path (404). */
  methodsFor(path: string): HttpMethod[] {
    return METHODS.filter((method) => this.match(method, path));
  }
}
