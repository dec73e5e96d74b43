/** An error of the catalog domain, with a stable code; the edges map codes to HTTP or Kafka outcomes. */
export abstract class CatalogDomainError extends Error {
  abstract readonly code: string;
}

export class ProductNotFoundError extends CatalogDomainError {
  readonly code = 'product-not-found';
  constructor(productId: string) {
    super(`no product ${productId}`);
  }
}

export class SkuAlreadyUsedError extends CatalogDomainError {
  readonly code = 'sku-already-used';
  constructor(sku: string) {
    super(`a product with SKU ${sku} exists (SKUs of deleted products stay taken)`);
  }
}

export class UnknownCategoryError extends CatalogDomainError {
  readonly code = 'unknown-category';
  constructor(category: string) {
    super(`no category ${category}`);
  }
}

export class CurrencyNotAcceptedError extends CatalogDomainError {
  readonly code = 'currency-not-accepted';
  constructor(currency: string, accepted: string) {
    super(`the catalog sells in ${accepted}, not ${currency}`);
  }
}

export class InsufficientStockError extends CatalogDomainError {
  readonly code = 'insufficient-stock';
  constructor(productId: string, available: number, delta: number) {
    super(`product ${productId} has ${available} available; cannot adjust by ${delta}`);
  }
}

export class ProductChangedConcurrentlyError extends CatalogDomainError {
  readonly code = 'product-changed-concurrently';
  constructor(productId: string) {
    super(`product ${productId} kept changing during the update; try again`);
  }
}

export class InvalidCursorError extends CatalogDomainError {
  readonly code = 'invalid-cursor';
  constructor() {
    super('the cursor is not one this listing issued (or was issued for another sort)');
  }
}

/** The same order id came with other lines: a producer bug, never fixed by retrying. */
export class ReservationMismatchError extends CatalogDomainError {
  readonly code = 'reservation-mismatch';
  constructor(orderId: string) {
    super(`order ${orderId} already has a reservation for other lines`);
  }
}
