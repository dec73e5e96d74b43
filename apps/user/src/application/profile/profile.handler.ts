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

  /** Accounts in creation order, a page at a time (admins only: the controller checks). */
  async list(
    after: string | undefined,
    limit: number,
  ): Promise<{ items: Profile[]; next: string | null }> {
    const users = await new UserTypeormRepository(this.dataSource.manager).page(after, limit + 1);
    const items = users.slice(0, limit).map(toProfile);
    return { items, next: users.length > limit ? (items[items.length - 1]?.id ?? null) : null };
  }

  async rename(userId: string, name: string | null): Promise<Profile> {
    const user = await new UserTypeormRepository(this.dataSource.manager).updateName(userId, name);
    if (!user) throw new UserNotFoundError();
    return toProfile(user);
  }
}
