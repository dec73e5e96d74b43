import { ApiProperty } from '@nestjs/swagger';
import { IsInt, Max, Min, NotEquals } from 'class-validator';

export class AdjustStockRequest {
  @ApiProperty({
    description: 'Units to add (restock) or, negative, to remove (e.g. a write-off); not zero',
    example: 25,
  })
  @IsInt()
  @NotEquals(0)
  @Min(-1_000_000)
  @Max(1_000_000)
  delta!: number;
}
