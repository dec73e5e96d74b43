import { cacheDirectivesOf, etagOf, notModified, ResponseCache } from './response-cache';

describe('ResponseCache', () => {
  const response = { status: 200, contentType: 'application/json', body: '{"items":[]}' };

  it('answers fresh within the TTL, then only as a stale fallback', () => {
    const cache = new ResponseCache(1_000, 60_000);
    cache.store('/products', response, 10_000);
    expect(cache.fresh('/products', 10_500)?.body).toBe(response.body);
    expect(cache.fresh('/products', 11_001)).toBeUndefined();
    expect(cache.stale('/products')?.body).toBe(response.body);
  });

  it('tags each body, and recognises a matching If-None-Match', () => {
    const etag = etagOf(response.body);
    expect(etag).toMatch(/^W\/".+"$/);
    expect(etagOf('{"items":[1]}')).not.toBe(etag);
    expect(notModified(etag, etag)).toBe(true);
    expect(notModified(`"x", ${etag.slice(2)}`, etag)).toBe(true);
    expect(notModified('*', etag)).toBe(true);
    expect(notModified('"other"', etag)).toBe(false);
    expect(notModified(undefined, etag)).toBe(false);
  });
});

describe('cacheDirectivesOf', () => {
  it.each([
    [{}, { revalidate: false, noStore: false }],
    [{ 'cache-control': 'no-cache' }, { revalidate: true, noStore: false }],
    [{ 'cache-control': 'Max-Age=0, no-store' }, { revalidate: true, noStore: true }],
    [{ 'cache-control': 'max-age="0"' }, { revalidate: true, noStore: false }],
    [{ 'cache-control': 'max-age=60' }, { revalidate: false, noStore: false }],
    [{ pragma: 'no-cache' }, { revalidate: true, noStore: false }],
    // Cache-Control, when present, is what counts (RFC 9111, 5.4).
    [
      { pragma: 'no-cache', 'cache-control': 'max-age=60' },
      { revalidate: false, noStore: false },
    ],
  ])('reads %j as %j', (headers, expected) => {
    expect(cacheDirectivesOf(headers)).toEqual(expected);
  });
});
