import { ROUTES } from '../config/route-table';
import { RouteMatcher } from './route-matcher';

describe('RouteMatcher on the route table', () => {
  const matcher = new RouteMatcher(ROUTES);

  it('matches literal paths and path parameters', () => {
    expect(matcher.match('GET', '/products')?.route).toMatchObject({
      upstream: 'catalog',
      cache: true,
    });
    expect(matcher.match('GET', '/products/abc')).toMatchObject({
      route: { path: '/products/:id' },
      params: { id: 'abc' },
    });
    expect(matcher.match('POST', '/orders/o-1/cancel')).toMatchObject({
      route: { upstream: 'order', access: 'user' },
      params: { id: 'o-1' },
    });
  });

  it('exposes nothing outside the table: internal endpoints stay internal', () => {
    expect(matcher.match('POST', '/products/lookup')).toBeUndefined();
    expect(matcher.match('GET', '/users')).toBeUndefined();
    expect(matcher.match('GET', '/health/ready')).toBeUndefined();
    expect(matcher.match('GET', '/products/a/b')).toBeUndefined();
  });

  it('tells a wrong method from an unknown path, naming the methods the path takes', () => {
    expect(matcher.match('DELETE', '/orders')).toBeUndefined();
    expect(matcher.methodsFor('/orders')).toEqual(['GET', 'POST']);
    expect(matcher.methodsFor('/products/p-1')).toEqual(['GET', 'PATCH', 'DELETE']);
    expect(matcher.methodsFor('/nowhere')).toEqual([]);
  });

  it('refuses at start a path parameter whose format is not declared', () => {
    expect(
      () =>
        new RouteMatcher([
          { method: 'GET', path: '/products/:slug', upstream: 'catalog', access: 'public' },
        ]),
    ).toThrow(
      'GET /products/:slug: the path parameter :slug has no format in PATH_PARAMETER_FORMATS',
    );
  });

  it('marks the credential routes for the stricter limit and the admin routes for the role', () => {
    expect(matcher.match('POST', '/auth/login')?.route.limit).toBe('auth');
    expect(matcher.match('POST', '/products/p/stock')?.route.access).toBe('admin');
  });
});
