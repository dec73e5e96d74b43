import { ApiProperty } from '@nestjs/swagger';
import { IsString, Length } from 'class-validator';

export class RefreshTokenRequest {
  @ApiProperty({ description: 'The refresh token of the session' })
  @IsString()
  @Length(43, 43)
  refreshToken!: string;
}
