import { ApiProperty } from '@nestjs/swagger';

export class CategoryResponse {
  @ApiProperty({ example: 'kitchen' }) slug!: string;
  @ApiProperty() name!: string;
  @ApiProperty() description!: string;
}
