import { type ProblemMapper } from '@shop/http';
import { UserDomainError } from '../../domain/user.errors';

const STATUS_BY_CODE: Record<string, number> = {
  'email-already-registered': 409,
  'weak-password': 422,
  'invalid-credentials': 401,
  'invalid-refresh-token': 401,
  'user-not-found': 404,
  'address-limit-reached': 409,
};

/** The user service's domain errors as HTTP problems. */
export const userProblemMapper: ProblemMapper = (error) =>
  error instanceof UserDomainError
    ? { status: STATUS_BY_CODE[error.code] ?? 400, code: error.code, detail: error.message }
    : undefined;
