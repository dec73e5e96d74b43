import { type ProblemMapper } from '@shop/http';
import { PaymentDomainError } from '../../domain/payment.errors';

const STATUS_BY_CODE: Record<string, number> = {
  'payment-not-found': 404,
  'payment-already-captured': 409,
  'illegal-payment-transition': 409,
  'invalid-payment-amount': 422,
};

/** The payment service's domain errors as HTTP problems. */
export const paymentProblemMapper: ProblemMapper = (error) => {
  if (!(error instanceof PaymentDomainError)) return undefined;
  return { status: STATUS_BY_CODE[error.code] ?? 400, code: error.code, detail: error.message };
};
