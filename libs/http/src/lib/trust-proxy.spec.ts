import { trustProxySetting } from './trust-proxy';

describe('trustProxySetting', () => {
  it.each([
    ['true', true],
    ['false', false],
    ['1', 1],
    ['loopback', 'loopback'],
    ['10.0.0.0/8, uniquelocal', '10.0.0.0/8, uniquelocal'],
  ])('reads %s as %p', (value, expected) => {
    expect(trustProxySetting(value)).toEqual(expected);
  });
});
