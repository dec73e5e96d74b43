import { type EntityManager } from 'typeorm';

export interface RefreshTokenRecord {
  id: string;
  userId: string;
  familyId: string;
  expiresAt: Date;
  /** The session's absolute end, the same for every token of the family. */
  sessionExpiresAt: Date;
  usedAt: Date | null;
  revokedAt: Date | null;
}

interface RefreshTokenRow {
  id: string;
  user_id: string;
  family_id: string;
  expires_at: Date;
  session_expires_at: Date;
  used_at: Date | null;
  revoked_at: Date | null;
}

/** Refresh tokens are stored as SHA-256 hashes only: a database leak yields no usable token. */
export class RefreshTokenTypeormRepository {
  constructor(private readonly manager: EntityManager) {}

  async insert(token: {
    id: string;
    userId: string;
    familyId: string;
    tokenHash: string;
    expiresAt: Date;
    sessionExpiresAt: Date;
  }): Promise<void> {
    await this.manager.query(
      `INSERT INTO refresh_tokens (id, user_id, family_id, token_hash, expires_at, session_expires_at)
       VALUES ($1, $2, $3, $4, $5, $6)`,
      [
        token.id,
        token.userId,
        token.familyId,
        token.tokenHash,
        token.expiresAt,
        token.sessionExpiresAt,
      ],
    );
  }

  /**
   * Serialises every change to one session family (rotation, reuse detection,
   * logout) until the transaction ends: a revocation cannot miss a token that
   * a concurrent rotation is inserting.
   */
  async lockFamily(familyId: string): Promise<void> {
    await this.manager.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [familyId]);
  }

  async isFamilyRevoked(familyId: string): Promise<boolean> {
    const rows: unknown[] = await this.manager.query(
      'SELECT 1 FROM refresh_tokens WHERE family_id = $1 AND revoked_at IS NOT NULL LIMIT 1',
      [familyId],
    );
    return rows.length > 0;
  }

  /** Locks the row: two refreshes with one token cannot both rotate it. */
  async findByHashForUpdate(tokenHash: string): Promise<RefreshTokenRecord | undefined> {
    const rows: RefreshTokenRow[] = await this.manager.query(
      `SELECT id, user_id, family_id, expires_at, session_expires_at, used_at, revoked_at
         FROM refresh_tokens WHERE token_hash = $1 FOR UPDATE`,
      [tokenHash],
    );
    const row = rows[0];
    return row
      ? {
          id: row.id,
          userId: row.user_id,
          familyId: row.family_id,
          expiresAt: row.expires_at,
          sessionExpiresAt: row.session_expires_at,
          usedAt: row.used_at,
          revokedAt: row.revoked_at,
        }
      : undefined;
  }

  async markUsed(id: string): Promise<void> {
    await this.manager.query('UPDATE refresh_tokens SET used_at = now() WHERE id = $1', [id]);
  }

  async revokeFamily(familyId: string): Promise<void> {
    await this.manager.query(
      'UPDATE refresh_tokens SET revoked_at = now() WHERE family_id = $1 AND revoked_at IS NULL',
      [familyId],
    );
  }
}
