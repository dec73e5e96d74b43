import { ApiProperty } from '@nestjs/swagger';
import { ProductResponse } from './product.response';

export class ProductPageResponse {
  @ApiProperty({ type: [ProductResponse] }) items!: ProductResponse[];
  @ApiProperty({ type: String, nullable: true, description: 'Pass as `cursor` for the next page' })
  nextCursor!: string | null;
}
