import { withUtf8Charset } from './edge-proxy';

describe('withUtf8Charset', () => {
  it.each([
    ['application/json', 'application/json; charset=utf-8'],
    ['application/json; charset=utf-8', 'application/json; charset=utf-8'],
    ['application/problem+json', 'application/problem+json; charset=utf-8'],
    ['Application/JSON; Charset=ISO-8859-1', 'application/json; charset=utf-8'],
    ['text/plain;Foo=bar', 'text/plain; charset=utf-8; foo=bar'],
  ])('says the body of type %s is UTF-8 as Express does: %s', (type, expected) => {
    expect(withUtf8Charset(type)).toBe(expected);
  });
});
