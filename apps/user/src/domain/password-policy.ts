import { WeakPasswordError } from './user.errors';

const MIN_LENGTH = 12;
const MAX_LENGTH = 128;

/**
 * Length over composition rules (NIST SP 800-63B): at least 12 characters, at
 * most 128 (argon2 work stays bounded), not one repeated character, and not
 * the email itself.
 */
export function assertPasswordAcceptable(password: string, email: string): void {
  if (password.length < MIN_LENGTH)
    throw new WeakPasswordError(`the password needs at least ${MIN_LENGTH} characters`);
  if (password.length > MAX_LENGTH)
    throw new WeakPasswordError(`the password may have at most ${MAX_LENGTH} characters`);
  if (new Set(password).size === 1)
    throw new WeakPasswordError('the password repeats one character');
  // Only a local part long enough to be meaningful: "a@x.test" must not ban every "a".
  const localPart = email.split('@')[0]?.toLowerCase() ?? '';
  if (localPart.length >= 4 && password.toLowerCase().includes(localPart)) {
    throw new WeakPasswordError('the password contains the email');
  }
}
