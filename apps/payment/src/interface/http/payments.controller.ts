import { Controller, Get, Param, ParseUUIDPipe, Query } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { type AuthenticatedUser, CurrentUser } from '@shop/auth';
import {
  FindPaymentsHandler,
  type PaymentReader,
} from '../../application/find-payments/find-payments.handler';
import { FindPaymentQuery } from './dto/find-payment.query';
import { PaymentResponse } from './dto/payment.response';

const readerOf = (user: AuthenticatedUser): PaymentReader => ({
  customerId: user.id,
  isAdmin: user.roles.includes('admin'),
});

@ApiTags('payments')
@ApiBearerAuth()
@Controller('payments')
export class PaymentsController {
  constructor(private readonly payments: FindPaymentsHandler) {}

  @Get()
  @ApiOperation({ summary: "An order's payment (an order has at most one)" })
  @ApiOkResponse({ type: PaymentResponse })
  @ApiNotFoundResponse({ description: "No payment for the order, or not the caller's" })
  async byOrder(
    @CurrentUser() user: AuthenticatedUser,
    @Query() query: FindPaymentQuery,
  ): Promise<PaymentResponse> {
    return PaymentResponse.of(await this.payments.byOrderId(readerOf(user), query.orderId));
  }

  @Get(':id')
  @ApiOkResponse({ type: PaymentResponse })
  @ApiNotFoundResponse({ description: "No such payment, or not the caller's" })
  async byId(
    @CurrentUser() user: AuthenticatedUser,
    @Param('id', ParseUUIDPipe) id: string,
  ): Promise<PaymentResponse> {
    return PaymentResponse.of(await this.payments.byId(readerOf(user), id));
  }
}
