/** The same server, credentials and options, with `database` in the path (PostgreSQL and MongoDB URLs alike). */
export function withDatabaseName(serverUrl: string, database: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  return url.toString();
}
