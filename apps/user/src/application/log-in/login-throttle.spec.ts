import { addressSubject } from './login-throttle';

describe('addressSubject', () => {
  it('keeps an IPv4 address, also when IPv4-mapped', () => {
    expect(addressSubject('203.0.113.9')).toBe('203.0.113.9');
    expect(addressSubject('::ffff:203.0.113.9')).toBe('203.0.113.9');
  });

  it('counts an IPv6 address as its /64, however it is written', () => {
    expect(addressSubject('2001:db8:1:2::1')).toBe('2001:db8:1:2::/64');
    expect(addressSubject('2001:0db8:0001:0002:ffff:0:0:9')).toBe('2001:db8:1:2::/64');
  });

  it('keeps what is not an address as it is', () => {
    expect(addressSubject('unknown')).toBe('unknown');
  });
});
