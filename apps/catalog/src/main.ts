import './instrumentation';
import 'reflect-metadata';
import { bootstrapService } from '@shop/service-kit';
import { createCatalogApp } from './catalog-app';
import { loadCatalogConfig } from './config/catalog-config';

bootstrapService({
  name: 'catalog service',
  loadConfig: loadCatalogConfig,
  createApp: createCatalogApp,
});
