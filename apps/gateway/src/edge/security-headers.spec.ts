import helmet from 'helmet';
import { securityHeaders } from './security-headers';

/** A response that records what is done to its headers. */
function recordingResponse() {
  const headers = new Map<string, string>([['x-powered-by', 'Express']]);
  return {
    headers,
    setHeader: (name: string, value: string) => headers.set(name.toLowerCase(), String(value)),
    header: (name: string, value: string) => headers.set(name.toLowerCase(), String(value)),
    removeHeader: (name: string) => headers.delete(name.toLowerCase()),
  };
}

describe('securityHeaders', () => {
  it('sets exactly the headers helmet sets, and removes X-Powered-By', () => {
    const fromHelmet = recordingResponse();
    const fromOnePass = recordingResponse();

    helmet()({} as never, fromHelmet as never, () => undefined);
    securityHeaders().applyTo(fromOnePass);

    expect(Object.fromEntries(fromOnePass.headers)).toEqual(Object.fromEntries(fromHelmet.headers));
    expect(fromOnePass.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(fromOnePass.headers.has('x-powered-by')).toBe(false);
  });
});
