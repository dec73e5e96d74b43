/** The public API, through the gateway, as a customer uses it (with retries a careful client makes). */
export class ShopClient {
  /** `token`: an access token issued earlier (e.g. to check that it is still accepted). */
  constructor(
    readonly gatewayUrl: string,
    private token = '',
  ) {}

  get accessToken(): string {
    return this.token;
  }

  async logIn(email: string, password: string): Promise<void> {
    const { status, body } = await this.call('POST', '/api/v1/auth/login', { email, password });
    if (status !== 200)
      throw new Error(`login of ${email} failed: ${status} ${JSON.stringify(body)}`);
    this.token = (body as { accessToken: string }).accessToken;
  }

  async call(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<{ status: number; body: unknown; retryAfter?: string }> {
    const response = await fetch(`${this.gatewayUrl}${path}`, {
      method,
      headers: {
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(this.token ? { authorization: `Bearer ${this.token}` } : {}),
        ...headers,
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    const retryAfter = response.headers.get('retry-after');
    return {
      status: response.status,
      body: text ? (JSON.parse(text) as unknown) : undefined,
      ...(retryAfter ? { retryAfter } : {}),
    };
  }

  /**
   * Calls until the answer is neither a 5xx nor a 429 (or the connection is
   * refused), as a client of an API with idempotency keys may: the same key
   * makes a retried POST /orders safe. A 429 is waited out for its
   * `Retry-After` (the gateway's rate limit), a 5xx half a second; the last
   * answer is returned once `timeoutMs` has passed.
   */
  async callUntilAnswered(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
    timeoutMs = 120_000,
  ): Promise<{ status: number; body: unknown }> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      let waitMs = 500;
      try {
        const answer = await this.call(method, path, body, headers);
        const limited = answer.status === 429;
        if (!limited && answer.status < 500) return answer;
        if (Date.now() > deadline) return answer;
        if (limited) waitMs = Math.max(1, Number(answer.retryAfter) || 1) * 1_000;
      } catch (error) {
        if (Date.now() > deadline) throw error;
      }
      await new Promise((resolve) =>
        setTimeout(resolve, Math.max(0, Math.min(waitMs, deadline - Date.now() + 1))),
      );
    }
  }
}
