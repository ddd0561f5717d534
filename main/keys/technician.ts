import { userInfo } from 'node:os';

export const UNNAMED_TECHNICIAN = 'unnamed technician';

/**
 * THE rule for who a reveal is recorded against, for the app and the CLI alike: the name in
 * the request (the CLI's --technician), else the name in Settings, else this laptop's user
 * name, else "unnamed technician".
 */
export function technicianName(requested: string | undefined, saved: string | undefined, osUser: () => string = () => userInfo().username): string {
  const given = requested?.trim();
  if (given) return given;
  const fromSettings = saved?.trim();
  if (fromSettings) return fromSettings;
  try {
    const user = osUser().trim();
    if (user) return user;
  } catch {
    // No user name for this uid (a container, a deleted account): fall through.
  }
  return UNNAMED_TECHNICIAN;
}
