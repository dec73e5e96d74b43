/** An error of the user domain, with a stable code; the HTTP edge maps codes to statuses. */
export abstract class UserDomainError extends Error {
  abstract readonly code: string;
}

export class EmailAlreadyRegisteredError extends UserDomainError {
  readonly code = 'email-already-registered';
  constructor() {
    super('an account with this email already exists');
  }
}

export class WeakPasswordError extends UserDomainError {
  readonly code = 'weak-password';
}

export class InvalidCredentialsError extends UserDomainError {
  readonly code = 'invalid-credentials';
  constructor() {
    // The same answer for an unknown email and a wrong password: no account enumeration.
    super('the email or the password is wrong');
  }
}

export class InvalidRefreshTokenError extends UserDomainError {
  readonly code = 'invalid-refresh-token';
  constructor(reason: string) {
    super(`the refresh token is not valid: ${reason}`);
  }
}

export class UserNotFoundError extends UserDomainError {
  readonly code = 'user-not-found';
  constructor() {
    super('no such user');
  }
}

export class AddressLimitReachedError extends UserDomainError {
  readonly code = 'address-limit-reached';
  constructor(limit: number) {
    super(`a customer may keep at most ${limit} addresses`);
  }
}

export class TooManyLoginAttemptsError extends UserDomainError {
  readonly code = 'too-many-login-attempts';
  constructor(readonly retryAfterSeconds: number) {
    super(`too many failed logins; try again in ${retryAfterSeconds} seconds`);
  }
}
