import { LRUCache } from 'lru-cache';
import { createHash } from 'node:crypto';

export interface CachedResponse {
  status: number;
  contentType: string;
  body: string;
  etag: string;
  storedAt: number;
}

/**
 * Public product reads, kept briefly: fresh entries answer without asking the
 * catalog; older ones (up to `staleMs`) stand in when the catalog cannot
 * answer (its circuit is open, it timed out). Bounded by entry count (LRU).
 */
export class ResponseCache {
  private readonly entries: LRUCache<string, CachedResponse>;

  constructor(
    private readonly freshMs: number,
    staleMs: number,
    maxEntries = 5_000,
  ) {
    this.entries = new LRUCache({ max: maxEntries, ttl: Math.max(staleMs, freshMs) });
  }

  fresh(key: string, now = Date.now()): CachedResponse | undefined {
    const entry = this.entries.get(key);
    return entry && now - entry.storedAt < this.freshMs ? entry : undefined;
  }

  /** Any entry still within the stale limit: the fallback while the upstream is down. */
  stale(key: string): CachedResponse | undefined {
    return this.entries.get(key);
  }

  store(
    key: string,
    response: Omit<CachedResponse, 'etag' | 'storedAt'>,
    now = Date.now(),
  ): CachedResponse {
    const entry = this.unstored(response, now);
    this.entries.set(key, entry);
    return entry;
  }

  /** The answer as an entry would hold it (its ETag), for a client that asked not to store it. */
  unstored(response: Omit<CachedResponse, 'etag' | 'storedAt'>, now = Date.now()): CachedResponse {
    return { ...response, etag: etagOf(response.body), storedAt: now };
  }
}

export interface RequestCacheDirectives {
  /** `no-cache` or `max-age=0`: not answered from a stored response without asking the service. */
  revalidate: boolean;
  /** `no-store`: the answer is not kept. */
  noStore: boolean;
}

/**
 * What a request's `Cache-Control` asks of the cache (RFC 9111, 5.2.1), or
 * its `Pragma: no-cache` when it has no `Cache-Control` (5.4).
 */
export function cacheDirectivesOf(
  headers: Record<string, string | string[] | undefined>,
): RequestCacheDirectives {
  const cacheControl = headers['cache-control'];
  const value = Array.isArray(cacheControl) ? cacheControl.join(',') : cacheControl;
  if (value === undefined) {
    const pragma = String(headers['pragma'] ?? '').toLowerCase();
    return { revalidate: /(^|,)\s*no-cache\s*(,|$)/.test(pragma), noStore: false };
  }
  const directives = new Map(
    value.split(',').map((directive) => {
      const [name = '', argument] = directive.trim().toLowerCase().split('=', 2);
      return [name, argument?.replace(/^"|"$/g, '')] as const;
    }),
  );
  return {
    revalidate: directives.has('no-cache') || directives.get('max-age') === '0',
    noStore: directives.has('no-store'),
  };
}

export function etagOf(body: string): string {
  return `W/"${createHash('sha1').update(body).digest('base64url')}"`;
}

/** If-None-Match matches the entity tag (weak comparison, `*`, lists). */
export function notModified(ifNoneMatch: string | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false;
  const opaque = (tag: string) => tag.trim().replace(/^W\//, '');
  return ifNoneMatch.split(',').some((tag) => tag.trim() === '*' || opaque(tag) === opaque(etag));
}
