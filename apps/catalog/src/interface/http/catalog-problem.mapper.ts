import { type ProblemMapper } from '@shop/http';
import { CatalogDomainError } from '../../domain/catalog.errors';

const STATUS_BY_CODE: Record<string, number> = {
  'product-not-found': 404,
  'sku-already-used': 409,
  'unknown-category': 422,
  'currency-not-accepted': 422,
  'insufficient-stock': 409,
  'product-changed-concurrently': 409,
  'invalid-cursor': 400,
};

/** The catalog's domain errors as HTTP problems. */
export const catalogProblemMapper: ProblemMapper = (error) => {
  if (!(error instanceof CatalogDomainError)) return undefined;
  return { status: STATUS_BY_CODE[error.code] ?? 400, code: error.code, detail: error.message };
};
