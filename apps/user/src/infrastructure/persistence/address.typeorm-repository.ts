import { type EntityManager } from 'typeorm';

export interface Address {
  id: string;
  label: string | null;
  recipient: string;
  line1: string;
  line2: string | null;
  city: string;
  postalCode: string;
  country: string;
  createdAt: string;
}

interface AddressRow {
  id: string;
  label: string | null;
  recipient: string;
  line1: string;
  line2: string | null;
  city: string;
  postal_code: string;
  country: string;
  created_at: Date;
}

const toAddress = (row: AddressRow): Address => ({
  id: row.id,
  label: row.label,
  recipient: row.recipient,
  line1: row.line1,
  line2: row.line2,
  city: row.city,
  postalCode: row.postal_code,
  country: row.country,
  createdAt: row.created_at.toISOString(),
});

/** A customer's shipping addresses, always scoped by the owner's id. */
export class AddressTypeormRepository {
  constructor(private readonly manager: EntityManager) {}

  async listOf(userId: string): Promise<Address[]> {
    const rows: AddressRow[] = await this.manager.query(
      'SELECT * FROM addresses WHERE user_id = $1 ORDER BY created_at, id',
      [userId],
    );
    return rows.map(toAddress);
  }

  /** Locks the owner's row first, so two concurrent adds cannot both pass the limit. */
  async countOfForUpdate(userId: string): Promise<number> {
    await this.manager.query('SELECT 1 FROM users WHERE id = $1 FOR UPDATE', [userId]);
    const rows: { count: string }[] = await this.manager.query(
      'SELECT count(*) AS count FROM addresses WHERE user_id = $1',
      [userId],
    );
    return Number(rows[0]?.count ?? 0);
  }

  async insert(userId: string, address: Omit<Address, 'createdAt'>): Promise<Address> {
    const rows: AddressRow[] = await this.manager.query(
      `INSERT INTO addresses (id, user_id, label, recipient, line1, line2, city, postal_code, country)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING *`,
      [
        address.id,
        userId,
        address.label,
        address.recipient,
        address.line1,
        address.line2,
        address.city,
        address.postalCode,
        address.country,
      ],
    );
    return toAddress(rows[0] as AddressRow);
  }
}
