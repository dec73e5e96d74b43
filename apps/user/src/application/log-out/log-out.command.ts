export interface LogOutCommand {
  userId: string;
  refreshToken: string;
}
