export interface AddAddressCommand {
  userId: string;
  label?: string;
  recipient: string;
  line1: string;
  line2?: string;
  city: string;
  postalCode: string;
  /** ISO 3166-1 alpha-2. */
  country: string;
}
