import helmet from 'helmet';

interface HeaderTarget {
  setHeader(name: string, value: string): unknown;
  removeHeader(name: string): unknown;
}

/** The headers, ready to put on any answer. */
export interface SecurityHeaders {
  applyTo(reply: {
    header(name: string, value: string): unknown;
    removeHeader(name: string): unknown;
  }): void;
}

/**
 * Helmet's headers (its defaults: static values, nothing read from the
 * request), worked out once at start and then set on every answer in one
 * pass, instead of running helmet's chain of fifteen middlewares per
 * request. Helmet stays the source of the values: an upgrade changes both.
 */
export function securityHeaders(): SecurityHeaders {
  const set: [string, string][] = [];
  const removed: string[] = [];
  const recorder: HeaderTarget = {
    setHeader: (name, value) => set.push([name, String(value)]),
    removeHeader: (name) => removed.push(name),
  };
  let finished = false;
  helmet()({} as never, recorder as never, (error?: unknown) => {
    if (error) throw error;
    finished = true;
  });
  // Every default middleware is synchronous: anything else would need a request to run on.
  if (!finished)
    throw new Error('helmet did not finish synchronously; its options read the request');
  return {
    applyTo(reply) {
      for (const name of removed) reply.removeHeader(name);
      for (const [name, value] of set) reply.header(name, value);
    },
  };
}
