import { assertPasswordAcceptable } from './password-policy';
import { WeakPasswordError } from './user.errors';

describe('assertPasswordAcceptable', () => {
  it.each([
    ['too short', 'short-pw1', /at least 12/],
    ['one repeated character', 'aaaaaaaaaaaaaa', /repeats/],
    ['containing the email name', 'xx-ada.lovelace-xx', /contains the email/],
    ['too long', 'x'.repeat(129) + 'y', /at most 128/],
  ])('refuses a password %s', (_case, password, message) => {
    expect(() => assertPasswordAcceptable(password, 'ada.lovelace@example.test')).toThrow(
      WeakPasswordError,
    );
    expect(() => assertPasswordAcceptable(password, 'ada.lovelace@example.test')).toThrow(message);
  });

  it('does not refuse passwords for sharing letters with a very short email name', () => {
    expect(() =>
      assertPasswordAcceptable('a perfectly fine passphrase', 'a@example.test'),
    ).not.toThrow();
  });

  it('accepts a long passphrase', () => {
    expect(() =>
      assertPasswordAcceptable('correct horse battery staple', 'ada@example.test'),
    ).not.toThrow();
  });
});
