import { ApiProperty } from '@nestjs/swagger';
import { MoneyDto } from './money.dto';

export class PriceQuoteResponse {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() sku!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ type: MoneyDto }) price!: MoneyDto;
  @ApiProperty({ description: 'Units that can be ordered now' }) available!: number;
}
