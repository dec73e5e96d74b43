export interface LogInCommand {
  email: string;
  password: string;
  /** The caller's IP address, for the per-address limit. */
  clientAddress: string;
}
