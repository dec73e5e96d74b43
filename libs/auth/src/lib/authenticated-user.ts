import { type Role } from './roles';

/** Who made the request, as proven by a verified access token. */
export interface AuthenticatedUser {
  /** The user's id (the token's `sub`). */
  id: string;
  roles: Role[];
  /** The raw bearer token, to forward to the services this request calls (zero trust). */
  token: string;
}
