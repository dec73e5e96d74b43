import { Body, Controller, Get, Patch } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { type AuthenticatedUser, CurrentUser } from '@shop/auth';
import { type Profile, ProfileHandler } from '../../application/profile/profile.handler';
import { UpdateProfileRequest } from './dto/update-profile.request';

@ApiTags('users')
@ApiBearerAuth()
@Controller('users')
export class UsersController {
  constructor(private readonly profiles: ProfileHandler) {}

  @Get('me')
  me(@CurrentUser() user: AuthenticatedUser): Promise<Profile> {
    return this.profiles.get(user.id);
  }

  @Patch('me')
  update(
    @CurrentUser() user: AuthenticatedUser,
    @Body() request: UpdateProfileRequest,
  ): Promise<Profile> {
    return this.profiles.rename(user.id, request.name);
  }
}
