import { Controller, Get, Param, ParseUUIDPipe, Req } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { type AuthenticatedUser } from '@shop/auth';
import { type UpstreamResponse } from '@shop/resilience';
import { type RequestContext, traceHeadersOf } from '../edge/request-context';
import { EdgeError } from '../edge/edge.errors';
import { Upstreams } from '../proxy/upstreams';

/** What the edge's checks left on the request (the route is protected: there is a user). */
interface ComposedRequest {
  user: AuthenticatedUser;
  requestContext: RequestContext;
}

interface OrderDetails {
  order: unknown;
  products: unknown[] | null;
  payment: unknown;
  /** The parts whose service did not answer (they are null). */
  unavailable: ('catalog' | 'payment')[];
}

/**
 * API composition: one answer from three services. The order comes first
 * (with the caller's token, so the order service decides who may read it);
 * then, in parallel, the catalog's view of its products and its payment. A
 * missing order is a 404; a catalog or payment that cannot answer leaves its
 * part null (named in `unavailable`) rather than failing the whole view.
 */
@ApiExcludeController() // documented in the merged document (gateway-operations.ts)
@Controller('api/v1/orders')
export class OrderDetailsController {
  constructor(private readonly upstreams: Upstreams) {}

  @Get(':id/details')
  async details(
    @Req() request: ComposedRequest,
    @Param('id', ParseUUIDPipe) id: string,
  ): Promise<OrderDetails> {
    const traced: Record<string, string> = {
      'x-request-id': request.requestContext.requestId,
      ...traceHeadersOf(request.requestContext),
    };
    const headers = { authorization: `Bearer ${request.user.token}`, ...traced };
    const order = await this.upstreams.get('order').request({ path: `/orders/${id}`, headers });
    if (order.status === 404) throw new EdgeError(404, 'order-not-found', 'no such order');
    if (order.status !== 200)
      throw new EdgeError(502, 'bad-gateway', `the order service answered ${order.status}`);
    const productIds = ((order.body as { items?: { productId: string }[] }).items ?? []).map(
      (item) => item.productId,
    );
    const [products, payment] = await Promise.allSettled([
      this.upstreams.get('catalog').request({
        method: 'POST',
        path: '/products/lookup',
        body: { ids: productIds },
        idempotent: true,
        headers: traced,
      }),
      this.upstreams
        .get('payment')
        .request({ path: `/payments?orderId=${encodeURIComponent(id)}`, headers }),
    ]);
    const unavailable: OrderDetails['unavailable'] = [];
    const part = (
      name: 'catalog' | 'payment',
      result: PromiseSettledResult<UpstreamResponse>,
      read: (answer: UpstreamResponse) => unknown,
    ) => {
      if (result.status === 'fulfilled' && result.value.status === 200) return read(result.value);
      // No payment yet (rejected before authorization, or still pending): a fact, not an outage.
      if (name === 'payment' && result.status === 'fulfilled' && result.value.status === 404)
        return null;
      unavailable.push(name);
      return null;
    };
    return {
      order: order.body,
      products: part(
        'catalog',
        products,
        (answer) => (answer.body as { items: unknown[] }).items,
      ) as unknown[] | null,
      payment: part('payment', payment, (answer) => answer.body),
      unavailable,
    };
  }
}
