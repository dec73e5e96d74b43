import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { UserNotFoundError } from '../../domain/user.errors';
import {
  type UserRecord,
  UserTypeormRepository,
} from '../../infrastructure/persistence/user.typeorm-repository';

export interface Profile {
  id: string;
  email: string;
  name: string | null;
  roles: string[];
  createdAt: string;
}

const toProfile = (user: UserRecord): Profile => ({
  id: user.id,
  email: user.email,
  name: user.name,
  roles: user.roles,
  createdAt: user.createdAt.toISOString(),
});

/** Reads and changes the caller's own profile. */
@Injectable()
export class ProfileHandler {
  constructor(private readonly dataSource: DataSource) {}

  async get(userId: string): Promise<Profile> {
    const user = await new UserTypeormRepository(this.dataSource.manager).findById(userId);
    if (!user) throw new UserNotFoundError();
    return toProfile(user);
  }

  async rename(userId: string, name: string | null): Promise<Profile> {
    const user = await new UserTypeormRepository(this.dataSource.manager).updateName(userId, name);
    if (!user) throw new UserNotFoundError();
    return toProfile(user);
  }
}
