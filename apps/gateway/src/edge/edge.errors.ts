/** A request refused at the edge; `code` becomes the problem type, `status` the HTTP status. */
export class EdgeError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

export const routeNotFound = () =>
  new EdgeError(404, 'route-not-found', 'no such route in the public API');

/** With the methods the path does serve, in `Allow` (RFC 9110, 15.5.6). */
export const methodNotAllowed = (allowed: readonly string[]) =>
  new EdgeError(
    405,
    'method-not-allowed',
    `the route exists, but not with this method: it takes ${allowed.join(', ')}`,
    { allow: allowed.join(', ') },
  );

export const invalidPath = () =>
  new EdgeError(
    400,
    'invalid-path',
    'the path has a dot or empty segment, a backslash, or an encoded "/", "\\" or "."',
  );

export const unauthenticated = (detail: string) =>
  new EdgeError(401, 'unauthenticated', detail, {
    'www-authenticate': 'Bearer realm="shop", error="invalid_token"',
  });

export const forbidden = () => new EdgeError(403, 'forbidden', 'this route needs the admin role');

export const rateLimited = (retryAfterSeconds: number) =>
  new EdgeError(429, 'rate-limited', `too many requests: try again in ${retryAfterSeconds} s`, {
    'retry-after': String(retryAfterSeconds),
  });
