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

const UNIQUE_VIOLATION = '23505';

/** Users in PostgreSQL, always through the caller's EntityManager (its transaction). */
export class UserTypeormRepository {
  constructor(private readonly manager: EntityManager) {}

  /** False when the email is taken (the unique index decides, also under concurrent registrations). */
  async insert(user: Omit<UserRecord, 'createdAt'>): Promise<boolean> {
    try {
      await this.manager.query(
        'INSERT INTO users (id, email, password_hash, roles, name) VALUES ($1, $2, $3, $4, $5)',
        [user.id, user.email, user.passwordHash, user.roles, user.name],
      );
      return true;
    } catch (error) {
      if ((error as { driverError?: { code?: string } }).driverError?.code === UNIQUE_VIOLATION)
        return false;
      throw error;
    }
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

  async updateName(id: string, name: string | null): Promise<UserRecord | undefined> {
    const [rows]: [UserRow[], number] = await this.manager.query(
      'UPDATE users SET name = $2, updated_at = now() WHERE id = $1 RETURNING *',
      [id, name],
    );
    return rows[0] ? toRecord(rows[0]) : undefined;
  }
}
