import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  IsUrl,
  Matches,
  MaxLength,
  Min,
  MinLength,
  ValidateNested,
} from 'class-validator';
import { MoneyDto } from './money.dto';

export class CreateProductRequest {
  @ApiProperty({ example: 'KIT-KETTLE-01', pattern: '^[A-Z0-9][A-Z0-9-]{1,63}$' })
  @Matches(/^[A-Z0-9][A-Z0-9-]{1,63}$/, {
    message: 'sku must be upper-case letters, digits, dashes',
  })
  sku!: string;

  @ApiProperty({ example: 'Gooseneck kettle', maxLength: 200 })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  name!: string;

  @ApiPropertyOptional({ maxLength: 4000 })
  @IsOptional()
  @IsString()
  @MaxLength(4000)
  description?: string;

  @ApiProperty({ description: 'A category slug (GET /categories)', example: 'kitchen' })
  @Matches(/^[a-z0-9-]{1,64}$/, { message: 'category must be a slug' })
  category!: string;

  @ApiProperty({ type: MoneyDto })
  @ValidateNested()
  @Type(() => MoneyDto)
  price!: MoneyDto;

  @ApiPropertyOptional({ type: [String], description: 'Image URLs', maxItems: 10 })
  @IsOptional()
  @ArrayMaxSize(10)
  @IsUrl({ require_protocol: true }, { each: true })
  images?: string[];

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: { type: 'string' },
    example: { colour: 'black', capacity: '1 l' },
  })
  @IsOptional()
  @IsObject()
  attributes?: Record<string, string>;

  @ApiPropertyOptional({ description: 'Units available at once', minimum: 0, default: 0 })
  @IsOptional()
  @IsInt()
  @Min(0)
  initialStock?: number;

  @ApiPropertyOptional({ description: 'StockLow is sent at or below this', minimum: 0 })
  @IsOptional()
  @IsInt()
  @Min(0)
  lowStockThreshold?: number;
}
