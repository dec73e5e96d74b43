import { ApiProperty } from '@nestjs/swagger';
import { PriceQuoteResponse } from './price-quote.response';

export class PriceLookupResponse {
  @ApiProperty({
    type: [PriceQuoteResponse],
    description: 'In the order of the request, each id once',
  })
  items!: PriceQuoteResponse[];
  @ApiProperty({ type: [String], description: 'Ids of unknown or deleted products' })
  missing!: string[];
}
