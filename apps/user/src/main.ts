import './instrumentation';
import 'reflect-metadata';
import { bootstrapService } from '@shop/service-kit';
import { loadUserConfig } from './config/user-config';
import { createUserApp } from './user-app';

bootstrapService({
  name: 'user service',
  loadConfig: loadUserConfig,
  createApp: createUserApp,
});
