import './instrumentation';
import 'reflect-metadata';
import { bootstrapService } from '@shop/service-kit';
import { loadPaymentConfig } from './config/payment-config';
import { createPaymentApp } from './payment-app';

bootstrapService({
  name: 'payment service',
  loadConfig: loadPaymentConfig,
  createApp: createPaymentApp,
});
