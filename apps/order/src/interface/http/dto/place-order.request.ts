import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsISO31661Alpha2,
  IsInt,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';

export class LineItemRequest {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  productId!: string;

  @ApiProperty({ minimum: 1, maximum: 100, example: 1 })
  @IsInt()
  @Min(1)
  @Max(100)
  quantity!: number;
}

export class PaymentMethodRequest {
  @ApiProperty({
    example: 'tok_visa',
    description:
      'A payment-method token from the payment provider. Test tokens: tok_visa, tok_mastercard (approve), tok_decline, tok_insufficient_funds, tok_timeout.',
  })
  @IsString()
  @Matches(/^tok_[a-z0-9_]{1,60}$/, { message: 'token must look like tok_…' })
  token!: string;
}

export class ShippingAddressRequest {
  @ApiProperty({ example: 'Ada Lovelace' })
  @IsString()
  @Length(1, 200)
  recipient!: string;

  @ApiProperty({ example: '12 St James Square' })
  @IsString()
  @Length(1, 200)
  line1!: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(200)
  line2?: string;

  @ApiProperty({ example: 'London' })
  @IsString()
  @Length(1, 100)
  city!: string;

  @ApiProperty({ example: 'SW1Y 4JH' })
  @IsString()
  @Length(1, 20)
  postalCode!: string;

  @ApiProperty({ example: 'GB', description: 'ISO 3166-1 alpha-2' })
  @IsISO31661Alpha2()
  country!: string;
}

export class PlaceOrderRequest {
  @ApiProperty({ type: [LineItemRequest], minItems: 1, maxItems: 50 })
  @ArrayMinSize(1)
  @ArrayMaxSize(50)
  @ValidateNested({ each: true })
  @Type(() => LineItemRequest)
  items!: LineItemRequest[];

  @ApiProperty({ type: PaymentMethodRequest })
  @ValidateNested()
  @Type(() => PaymentMethodRequest)
  paymentMethod!: PaymentMethodRequest;

  @ApiProperty({ type: ShippingAddressRequest })
  @ValidateNested()
  @Type(() => ShippingAddressRequest)
  shippingAddress!: ShippingAddressRequest;
}
