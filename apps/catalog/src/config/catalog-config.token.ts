export const CATALOG_CONFIG = Symbol('catalog.config');
