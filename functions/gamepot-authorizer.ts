// Placeholder until the GamePot session issue lands; replaced by the real authorizer.
export const handler = async () => ({ isAuthorized: false });
