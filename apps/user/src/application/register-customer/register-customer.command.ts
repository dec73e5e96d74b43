export interface RegisterCustomerCommand {
  email: string;
  password: string;
  name?: string;
}
