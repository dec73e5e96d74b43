import { Client } from 'pg';

/** Connects with `url` (a plain client, as a person would) and names the database it reached. */
export async function currentDatabase(url: string): Promise<string> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return (
      (await client.query<{ name: string }>('SELECT current_database() AS name')).rows[0]?.name ??
      ''
    );
  } finally {
    await client.end();
  }
}
