import { ApiProperty } from '@nestjs/swagger';
import { type Payment } from '../../../domain/payment';
import { PAYMENT_STATUSES, type PaymentStatus } from '../../../domain/payment-status';

export class MoneyResponse {
  @ApiProperty({ description: 'Integer minor units (cents)', example: 4250 })
  amount!: number;

  @ApiProperty({ description: 'ISO 4217 code', example: 'EUR' })
  currency!: string;
}

export class PaymentFailureResponse {
  @ApiProperty({
    enum: ['declined', 'insufficient_funds', 'invalid_payment_method', 'provider_unavailable'],
  })
  reason!: string;

  @ApiProperty()
  message!: string;
}

export class PaymentTransitionResponse {
  @ApiProperty({ enum: PAYMENT_STATUSES })
  status!: PaymentStatus;

  @ApiProperty({ format: 'date-time' })
  occurredAt!: string;

  @ApiProperty({
    type: String,
    nullable: true,
    description: "The provider's id of the operation (authorization, capture, void, refund)",
  })
  providerReference!: string | null;

  @ApiProperty({ type: String, nullable: true })
  reason!: string | null;
}

export class PaymentResponse {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ format: 'uuid' })
  orderId!: string;

  @ApiProperty({ format: 'uuid' })
  customerId!: string;

  @ApiProperty({ type: MoneyResponse })
  amount!: MoneyResponse;

  @ApiProperty({ enum: PAYMENT_STATUSES })
  status!: PaymentStatus;

  @ApiProperty({ type: PaymentFailureResponse, nullable: true })
  failure!: PaymentFailureResponse | null;

  @ApiProperty({ type: [PaymentTransitionResponse], description: 'Oldest first' })
  history!: PaymentTransitionResponse[];

  static of(payment: Payment): PaymentResponse {
    return {
      id: payment.id,
      orderId: payment.orderId,
      customerId: payment.customerId,
      amount: payment.amount,
      status: payment.status,
      failure: payment.failure,
      history: payment.history.map((transition) => ({
        ...transition,
        occurredAt: transition.occurredAt.toISOString(),
      })),
    };
  }
}
