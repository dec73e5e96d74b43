import { type OpenAPIObject } from '@nestjs/swagger';

/** The operations the gateway serves itself (API composition), for the merged document. */
export const GATEWAY_OPERATIONS: {
  paths: OpenAPIObject['paths'];
  schemas: Record<string, unknown>;
} = {
  paths: {
    '/api/v1/orders/{id}/details': {
      get: {
        operationId: 'Gateway_orderDetails',
        tags: ['orders'],
        summary:
          'An order with its products and its payment, in one answer (composed by the gateway)',
        security: [{ bearer: [] }],
        parameters: [
          { name: 'id', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } },
        ],
        responses: {
          '200': {
            description:
              'The order (as GET /orders/:id), the catalog’s current view of its products, and its payment. A part whose service did not answer is null and named in `unavailable`.',
            content: {
              'application/json': { schema: { $ref: '#/components/schemas/GatewayOrderDetails' } },
            },
          },
          '404': { description: "No such order, or not the caller's" },
        },
      },
    },
  },
  schemas: {
    GatewayOrderDetails: {
      type: 'object',
      required: ['order', 'products', 'payment', 'unavailable'],
      properties: {
        // Not a $ref to the order service's schema: the document must stand while that service is away.
        order: { type: 'object', description: 'The order, as GET /api/v1/orders/{id} answers it' },
        products: { type: 'array', nullable: true, items: { type: 'object' } },
        payment: { type: 'object', nullable: true },
        unavailable: { type: 'array', items: { type: 'string', enum: ['catalog', 'payment'] } },
      },
    },
  },
};
