import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

// Response shapes, for the OpenAPI document (the gateway composes and validates against it).

export class MoneyResponse {
  @ApiProperty({ example: 1999, description: 'Integer minor units (cents)' })
  amount!: number;

  @ApiProperty({ example: 'EUR', description: 'ISO 4217' })
  currency!: string;
}

export class OrderAcceptedResponse {
  @ApiProperty({ format: 'uuid' })
  orderId!: string;

  @ApiProperty({ enum: ['PENDING', 'APPROVED', 'REJECTED', 'CANCELLED'], example: 'PENDING' })
  status!: string;
}

export class OrderLineResponse {
  @ApiProperty({ format: 'uuid' })
  productId!: string;

  @ApiProperty()
  sku!: string;

  @ApiProperty()
  name!: string;

  @ApiProperty()
  quantity!: number;

  @ApiProperty({ type: MoneyResponse })
  unitPrice!: MoneyResponse;

  @ApiProperty({ type: MoneyResponse })
  lineTotal!: MoneyResponse;
}

export class SagaTimelineEntryResponse {
  @ApiProperty({ format: 'date-time' })
  at!: string;

  @ApiProperty({ nullable: true, type: String, example: 'reserveStock' })
  step!: string | null;

  @ApiProperty({ example: 'command-sent' })
  event!: string;

  @ApiPropertyOptional()
  detail?: string;
}

export class SagaResponse {
  @ApiProperty({ enum: ['RUNNING', 'COMPENSATING', 'COMPLETED', 'REJECTED', 'CANCELLED'] })
  status!: string;

  @ApiProperty({ type: [SagaTimelineEntryResponse] })
  timeline!: SagaTimelineEntryResponse[];
}

export class ShippingAddressResponse {
  @ApiProperty()
  recipient!: string;

  @ApiProperty()
  line1!: string;

  @ApiPropertyOptional()
  line2?: string;

  @ApiProperty()
  city!: string;

  @ApiProperty()
  postalCode!: string;

  @ApiProperty()
  country!: string;
}

export class OrderResponse {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ format: 'uuid' })
  customerId!: string;

  @ApiProperty({ enum: ['PENDING', 'APPROVED', 'REJECTED', 'CANCELLED'] })
  status!: string;

  @ApiProperty({ nullable: true, type: String, description: 'Why it was rejected or cancelled' })
  reason!: string | null;

  @ApiProperty({ type: [OrderLineResponse] })
  items!: OrderLineResponse[];

  @ApiProperty({ type: MoneyResponse })
  total!: MoneyResponse;

  @ApiProperty({ type: ShippingAddressResponse })
  shippingAddress!: ShippingAddressResponse;

  @ApiProperty({ format: 'date-time' })
  createdAt!: string;

  @ApiProperty({ format: 'date-time' })
  updatedAt!: string;

  @ApiProperty({
    type: SagaResponse,
    nullable: true,
    description: 'The CreateOrder saga: its status and timeline (only on GET /orders/:id)',
  })
  saga!: SagaResponse | null;
}

export class OrderPageResponse {
  @ApiProperty({ type: [OrderResponse] })
  items!: OrderResponse[];

  @ApiProperty({ nullable: true, type: String, format: 'uuid' })
  next!: string | null;
}
