import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import {
  PRODUCT_SORTS,
  type ProductSort,
} from '../../../application/browse-products/list-products.query';

export class ListProductsRequest {
  @ApiPropertyOptional({ description: 'A category slug', example: 'kitchen' })
  @IsOptional()
  @Matches(/^[a-z0-9-]{1,64}$/, { message: 'category must be a slug' })
  category?: string;

  @ApiPropertyOptional({ description: 'Lowest price, in minor units (inclusive)', minimum: 0 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  minPrice?: number;

  @ApiPropertyOptional({ description: 'Highest price, in minor units (inclusive)', minimum: 0 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  maxPrice?: number;

  @ApiPropertyOptional({ description: 'Part of the product name, any case', example: 'kettle' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  q?: string;

  @ApiPropertyOptional({ enum: PRODUCT_SORTS, default: 'name' })
  @IsOptional()
  @IsIn(PRODUCT_SORTS)
  sort?: ProductSort;

  @ApiPropertyOptional({ minimum: 1, maximum: 100, default: 20 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  limit?: number;

  @ApiPropertyOptional({ description: 'The nextCursor of the previous page (same sort)' })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  cursor?: string;
}
