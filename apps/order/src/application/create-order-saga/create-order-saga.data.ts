import { type Money } from '@shop/contracts';

/** What the CreateOrder saga carries between its steps (persisted as JSON with the instance). */
export interface CreateOrderSagaData {
  orderId: string;
  customerId: string;
  items: { productId: string; quantity: number }[];
  total: Money;
  paymentMethodToken: string;
  paymentId?: string;
  /** Set by a failure reply: why the order is rejected. */
  rejection?: string;
}

/** What the saga's local steps and end hooks do to the order, in the saga's transaction. */
export interface CreateOrderSagaEffects {
  approve(orderId: string): Promise<void>;
  /** Payment captured and stock committed: the saga is done (the order stays APPROVED). */
  completed(orderId: string): Promise<void>;
  reject(orderId: string, reason: string): Promise<void>;
  cancel(orderId: string, reason: string): Promise<void>;
}
