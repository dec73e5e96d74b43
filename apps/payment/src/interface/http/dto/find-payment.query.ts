import { ApiProperty } from '@nestjs/swagger';
import { IsUUID } from 'class-validator';

export class FindPaymentQuery {
  @ApiProperty({ format: 'uuid', description: 'The order whose payment to read' })
  @IsUUID()
  orderId!: string;
}
