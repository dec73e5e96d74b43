import { Body, Controller, Get, Param, ParseUUIDPipe, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { type AuthenticatedUser, CurrentUser, Roles } from '@shop/auth';
import { AddAddressHandler } from '../../application/addresses/add-address.handler';
import { ListAddressesHandler } from '../../application/addresses/list-addresses.handler';
import { type Profile, ProfileHandler } from '../../application/profile/profile.handler';
import { UserNotFoundError } from '../../domain/user.errors';
import { type Address } from '../../infrastructure/persistence/address.typeorm-repository';
import { AddAddressRequest } from './dto/add-address.request';
import { ListUsersQuery } from './dto/list-users.query';
import { UpdateProfileRequest } from './dto/update-profile.request';

@ApiTags('users')
@ApiBearerAuth()
@Controller('users')
export class UsersController {
  constructor(
    private readonly profiles: ProfileHandler,
    private readonly addAddress: AddAddressHandler,
    private readonly listAddresses: ListAddressesHandler,
  ) {}

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

  @Get('me/addresses')
  addresses(@CurrentUser() user: AuthenticatedUser): Promise<Address[]> {
    return this.listAddresses.execute(user.id);
  }

  @Post('me/addresses')
  add(
    @CurrentUser() user: AuthenticatedUser,
    @Body() request: AddAddressRequest,
  ): Promise<Address> {
    return this.addAddress.execute({ ...request, userId: user.id });
  }

  @Roles('admin')
  @Get()
  list(@Query() query: ListUsersQuery): Promise<{ items: Profile[]; next: string | null }> {
    return this.profiles.list(query.after, query.limit ?? 20);
  }

  /**
   * For other services' customer checks, with the caller's own token forwarded
   * (zero trust, no service accounts): a customer may read only themselves,
   * an admin anyone; anyone else gets the same 404 as a missing account.
   */
  @Get(':id')
  async byId(
    @CurrentUser() caller: AuthenticatedUser,
    @Param('id', ParseUUIDPipe) id: string,
  ): Promise<Profile> {
    if (caller.id !== id && !caller.roles.includes('admin')) throw new UserNotFoundError();
    return this.profiles.get(id);
  }
}
