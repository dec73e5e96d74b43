import { RequestValidationError } from '@shop/http';
import { type Route } from '../config/route-table';
import { EdgeError } from '../edge/edge.errors';
import { assertPathParameters, publicPathOf, upstreamPathOf } from './public-path';

describe('publicPathOf', () => {
  it('splits the path from the query', () => {
    expect(publicPathOf('/products?limit=5&q=a/../b')).toEqual({
      path: '/products',
      query: '?limit=5&q=a/../b',
    });
    expect(publicPathOf('')).toEqual({ path: '/', query: '' });
    expect(publicPathOf('/products/')).toEqual({ path: '/products/', query: '' });
  });

  it.each([
    '/products/..\\metrics',
    '/products/..',
    '/products/./x',
    '/products/%2e%2e',
    '/products/%2E%2e/metrics',
    '/products/a%2fb',
    '/products/a%5Cb',
    '//products',
    '/products//',
  ])('refuses %s as an invalid path', (path) => {
    expect(() => publicPathOf(path)).toThrow(EdgeError);
    expect(() => publicPathOf(path)).toThrow(expect.objectContaining({ code: 'invalid-path' }));
  });
});

describe('assertPathParameters', () => {
  it('passes UUIDs and refuses anything else, naming the parameter', () => {
    expect(() =>
      assertPathParameters({ id: '0193a5b2-7c1d-7e3f-8a4b-5c6d7e8f9a0b' }),
    ).not.toThrow();
    expect(() => assertPathParameters({ id: 'metrics' })).toThrow(
      expect.objectContaining({ fields: [{ field: 'path.id', message: 'must be a UUID' }] }),
    );
    expect(() => assertPathParameters({ id: '' })).toThrow(RequestValidationError);
  });
});

describe('upstreamPathOf', () => {
  const route: Route = {
    method: 'POST',
    path: '/orders/:id/cancel',
    upstream: 'order',
    access: 'user',
  };

  it("fills the route's template with each parameter encoded as one segment", () => {
    expect(upstreamPathOf(route, { id: 'a/../b?c#d' })).toBe('/orders/a%2F..%2Fb%3Fc%23d/cancel');
  });
});
