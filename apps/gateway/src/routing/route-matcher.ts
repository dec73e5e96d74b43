import { type Route } from '../config/route-table';

interface CompiledRoute {
  route: Route;
  segments: string[];
}

export interface RouteMatch {
  route: Route;
  params: Record<string, string>;
}

/** Matches a method and path (without the API prefix) against the route table. */
export class RouteMatcher {
  private readonly byMethod = new Map<string, CompiledRoute[]>();

  constructor(routes: readonly Route[]) {
    for (const route of routes) {
      const compiled = { route, segments: route.path.split('/').filter(Boolean) };
      this.byMethod.set(route.method, [...(this.byMethod.get(route.method) ?? []), compiled]);
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

  /** Whether any method serves this path (405 rather than 404). */
  knowsPath(path: string): boolean {
    return ['GET', 'POST', 'PATCH', 'PUT', 'DELETE'].some((method) => this.match(method, path));
  }
}
