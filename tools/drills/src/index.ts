export { type DrillOptions, type DrillResult, type Fault, type Invariant, runDrill } from './drill';
export { killApp, type Recovery, type RestartWatch, stopKafka } from './faults';
export { ShopClient } from './shop-client';
export { type OrderView, type PaymentView, type ProductView } from './shop-views';
