export interface LogInCommand {
  email: string;
  password: string;
}
