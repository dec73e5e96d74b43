import { type ProblemMapper } from '@shop/http';
import { TooManyLoginAttemptsError, UserDomainError } from '../../domain/user.errors';

const STATUS_BY_CODE: Record<string, number> = {
  'email-already-registered': 409,
  'weak-password': 422,
  'invalid-credentials': 401,
  'invalid-refresh-token': 401,
  'user-not-found': 404,
  'address-limit-reached': 409,
  'too-many-login-attempts': 429,
};

/** The user service's domain errors as HTTP problems. */
export const userProblemMapper: ProblemMapper = (error) => {
  if (!(error instanceof UserDomainError)) return undefined;
  const problem = {
    status: STATUS_BY_CODE[error.code] ?? 400,
    code: error.code,
    detail: error.message,
  };
  return error instanceof TooManyLoginAttemptsError
    ? { ...problem, headers: { 'retry-after': String(error.retryAfterSeconds) } }
    : problem;
};
