import { type OpenAPIObject } from '@nestjs/swagger';
import { type Route } from '../config/route-table';
import { mergeOpenApi } from './merge-openapi';

const doc = (paths: OpenAPIObject['paths'], schemas: Record<string, unknown>): OpenAPIObject => ({
  openapi: '3.0.0',
  info: { title: 't', version: '1' },
  paths,
  components: { schemas: schemas as never },
});

describe('mergeOpenApi', () => {
  const routes: Route[] = [
    { method: 'GET', path: '/products/:id', upstream: 'catalog', access: 'public' },
    { method: 'POST', path: '/orders', upstream: 'order', access: 'user' },
  ];
  const catalog = doc(
    {
      '/products/{id}': {
        get: {
          parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }],
          responses: { '200': { $ref: '#/components/schemas/Money' } },
        },
      },
      '/products/lookup': { post: { responses: {} } },
    } as never,
    { Money: { type: 'object', properties: { amount: { type: 'integer' } } } },
  );
  const order = doc(
    {
      '/orders': { post: { requestBody: { $ref: '#/components/schemas/Money' }, responses: {} } },
    } as never,
    { Money: { type: 'object', properties: { cents: { type: 'integer' } } } },
  );

  it('publishes only the routes of the table, under /api/v1, with their access', () => {
    const merged = mergeOpenApi({ catalog, order }, routes);
    expect(Object.keys(merged.paths).sort()).toEqual(['/api/v1/orders', '/api/v1/products/{id}']);
    expect(merged.paths['/api/v1/products/{id}']?.get?.security).toEqual([]);
    expect(merged.paths['/api/v1/orders']?.post?.security).toEqual([{ bearer: [] }]);
  });

  it('keeps same-named schemas of two services apart, references included', () => {
    const merged = mergeOpenApi({ catalog, order }, routes);
    expect(Object.keys(merged.components?.schemas ?? {}).sort()).toEqual([
      'CatalogMoney',
      'OrderMoney',
    ]);
    expect(JSON.stringify(merged.paths['/api/v1/orders'])).toContain(
      '#/components/schemas/OrderMoney',
    );
    expect(JSON.stringify(merged.paths['/api/v1/products/{id}'])).toContain(
      '#/components/schemas/CatalogMoney',
    );
  });

  it('leaves out the routes of a service whose document is not known yet', () => {
    expect(Object.keys(mergeOpenApi({ catalog }, routes).paths)).toEqual(['/api/v1/products/{id}']);
  });

  it('declares the path parameters in the format the edge enforces, with its 400', () => {
    const operation = mergeOpenApi({ catalog }, routes).paths['/api/v1/products/{id}']?.get;
    expect(operation?.parameters).toEqual([
      { name: 'id', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } },
    ]);
    expect(Object.keys(operation?.responses ?? {})).toEqual(['200', '400']);
  });
});
