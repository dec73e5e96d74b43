import {
  Body,
  Controller,
  Get,
  Headers,
  HttpCode,
  Param,
  ParseUUIDPipe,
  Post,
  Query,
  Res,
} from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBearerAuth,
  ApiHeader,
  ApiOkResponse,
  ApiTags,
} from '@nestjs/swagger';
import { trace } from '@opentelemetry/api';
import { type AuthenticatedUser, CurrentUser } from '@shop/auth';
import { RequestValidationError } from '@shop/http';
import { CancelOrderHandler } from '../../application/cancel-order/cancel-order.handler';
import { PlaceOrderHandler } from '../../application/place-order/place-order.handler';
import { type OrderPage, type OrderView } from '../../application/read-orders/order.view';
import { ReadOrdersHandler, type Reader } from '../../application/read-orders/read-orders.handler';
import { ListOrdersQuery } from './dto/list-orders.query';
import { OrderAcceptedResponse, OrderPageResponse, OrderResponse } from './dto/order.responses';
import { PlaceOrderRequest } from './dto/place-order.request';

const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/;

const readerOf = (user: AuthenticatedUser): Reader => ({
  id: user.id,
  isAdmin: user.roles.includes('admin'),
});

@ApiTags('orders')
@ApiBearerAuth()
@Controller('orders')
export class OrdersController {
  constructor(
    private readonly placeOrder: PlaceOrderHandler,
    private readonly cancelOrder: CancelOrderHandler,
    private readonly readOrders: ReadOrdersHandler,
  ) {}

  @Post()
  @HttpCode(202)
  @ApiHeader({
    name: 'Idempotency-Key',
    required: true,
    description:
      'Unique per order attempt (e.g. a UUID); a retry with the same key and body returns the first answer, with `Idempotent-Replayed: true`',
  })
  @ApiAcceptedResponse({
    type: OrderAcceptedResponse,
    description: 'Placed: the CreateOrder saga runs; poll GET /orders/:id for the outcome',
  })
  async place(
    @CurrentUser() user: AuthenticatedUser,
    @Body() request: PlaceOrderRequest,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @Headers('traceparent') traceparent: string | undefined,
    @Res({ passthrough: true }) response: { setHeader(name: string, value: string): void },
  ): Promise<OrderAcceptedResponse> {
    if (!idempotencyKey || !IDEMPOTENCY_KEY.test(idempotencyKey)) {
      throw new RequestValidationError([
        {
          field: 'Idempotency-Key',
          message: 'header required: 1 to 255 visible ASCII characters, unique per order attempt',
        },
      ]);
    }
    const result = await this.placeOrder.execute({
      customerId: user.id,
      bearerToken: user.token,
      idempotencyKey,
      items: request.items.map(({ productId, quantity }) => ({ productId, quantity })),
      paymentMethodToken: request.paymentMethod.token,
      shippingAddress: { ...request.shippingAddress },
      ...(traceparent ? { traceparent } : {}),
    });
    // The request's span names its order: Jaeger finds it by the tag `shop.order.id`.
    trace.getActiveSpan()?.setAttribute('shop.order.id', result.orderId);
    response.setHeader('location', `/orders/${result.orderId}`);
    if (result.replayed) response.setHeader('idempotent-replayed', 'true');
    return { orderId: result.orderId, status: result.status };
  }

  @Get()
  @ApiOkResponse({ type: OrderPageResponse, description: "The caller's own orders, newest first" })
  list(
    @CurrentUser() user: AuthenticatedUser,
    @Query() query: ListOrdersQuery,
  ): Promise<OrderPage> {
    return this.readOrders.listOwn(readerOf(user), query.after, query.limit ?? 20);
  }

  @Get(':id')
  @ApiOkResponse({ type: OrderResponse })
  get(
    @CurrentUser() user: AuthenticatedUser,
    @Param('id', ParseUUIDPipe) id: string,
  ): Promise<OrderView> {
    return this.readOrders.get(readerOf(user), id);
  }

  @Post(':id/cancel')
  @HttpCode(202)
  @ApiAcceptedResponse({
    type: OrderAcceptedResponse,
    description:
      'Cancellation started: the saga compensates and the order ends CANCELLED. 409 once the order is approved.',
  })
  cancel(
    @CurrentUser() user: AuthenticatedUser,
    @Param('id', ParseUUIDPipe) id: string,
  ): Promise<OrderAcceptedResponse> {
    return this.cancelOrder.execute(id, user.id);
  }
}
