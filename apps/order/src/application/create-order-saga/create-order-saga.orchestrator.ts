import { SagaOrchestrator } from '@shop/saga/typeorm';
import { type CreateOrderSagaData, type CreateOrderSagaEffects } from './create-order-saga.data';

/** The CreateOrder saga's orchestrator, as an injectable type (built in OrderModule). */
export class CreateOrderSagaOrchestrator extends SagaOrchestrator<
  CreateOrderSagaData,
  CreateOrderSagaEffects
> {}
