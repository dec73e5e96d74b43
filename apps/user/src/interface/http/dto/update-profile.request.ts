import { ApiProperty } from '@nestjs/swagger';
import { IsString, MaxLength, ValidateIf } from 'class-validator';

export class UpdateProfileRequest {
  @ApiProperty({ nullable: true, example: 'Ada King' })
  @ValidateIf((_request, value) => value !== null)
  @IsString()
  @MaxLength(200)
  name!: string | null;
}
