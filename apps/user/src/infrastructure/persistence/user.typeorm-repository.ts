import { type Role } from '@shop/auth';
import { type EntityManager } from 'typeorm';

export interface UserRecord {
  id: string;
  email: string;
  passwordHash: string;
  roles: Role[];
  name: string | null;
  createdAt: Date;
}

interface UserRow {
  id: string;
  email: string;
  password_hash: string;
  roles: Role[];
  name: string | null;
  created_at: Date;
}

const toRecord = (row: UserRow): UserRecord => ({
  id: row.id,
  email: row.email,
  passwordHash: row.password_hash,
  roles: row.roles,
  name: row.name,
  createdAt: row.created_at,
});

/** Users in PostgreSQL, always through the caller's EntityManager (its transaction). */
export class UserTypeormRepository {
  constructor(private readonly manager: EntityManager) {}

  /**
   * False when the email is taken (the unique index decides, also under
   * concurrent registrations). ON CONFLICT rather than catching the unique
   * violation: an error would abort the caller's transaction, and the caller
   * may go on in it (the account bootstrapper reads who holds the address).
   */
  async insert(user: Omit<UserRecord, 'createdAt'>): Promise<boolean> {
    const rows: { id: string }[] = await this.manager.query(
      `INSERT INTO users (id, email, password_hash, roles, name) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (email) DO NOTHING RETURNING id`,
      [user.id, user.email, user.passwordHash, user.roles, user.name],
    );
    return rows.length > 0;
  }

  async findByEmail(email: string): Promise<UserRecord | undefined> {
    const rows: UserRow[] = await this.manager.query('SELECT * FROM users WHERE email = $1', [
      email,
    ]);
    return rows[0] ? toRecord(rows[0]) : undefined;
  }

  async findById(id: string): Promise<UserRecord | undefined> {
    const rows: UserRow[] = await this.manager.query('SELECT * FROM users WHERE id = $1', [id]);
    return rows[0] ? toRecord(rows[0]) : undefined;
  }

  /** One page of accounts in id order (UUIDv7: creation order), after the cursor. */
  async page(after: string | undefined, limit: number): Promise<UserRecord[]> {
    const rows: UserRow[] = after
      ? await this.manager.query('SELECT * FROM users WHERE id > $1 ORDER BY id LIMIT $2', [
          after,
          limit,
        ])
      : await this.manager.query('SELECT * FROM users ORDER BY id LIMIT $1', [limit]);
    return rows.map(toRecord);
  }

  async updateName(id: string, name: string | null): Promise<UserRecord | undefined> {
    const [rows]: [UserRow[], number] = await this.manager.query(
      'UPDATE users SET name = $2, updated_at = now() WHERE id = $1 RETURNING *',
      [id, name],
    );
    return rows[0] ? toRecord(rows[0]) : undefined;
  }
}
