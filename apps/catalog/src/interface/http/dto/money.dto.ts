import { ApiProperty } from '@nestjs/swagger';
import { IsInt, Matches, Min } from 'class-validator';

/** Money as in @shop/contracts: integer minor units and an ISO 4217 code, never a float. */
export class MoneyDto {
  @ApiProperty({ description: 'Minor units (cents)', example: 1999, minimum: 0 })
  @IsInt()
  @Min(0)
  amount!: number;

  @ApiProperty({ example: 'EUR', pattern: '^[A-Z]{3}$' })
  @Matches(/^[A-Z]{3}$/, { message: 'currency must be an ISO 4217 code such as EUR' })
  currency!: string;
}
