import { ApiProperty } from '@nestjs/swagger';

export class StockLevelResponse {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ description: 'Units that can be ordered now' }) available!: number;
  @ApiProperty({ description: 'Units held for orders still in progress' }) reserved!: number;
}
