/** Exit codes scripts can branch on; subcommands may add their own above 1 (e.g. 2 = not found). */
export const EXIT = {
  OK: 0,
  FAILED: 1,
  /** Wrong flags or arguments (sysexits EX_USAGE), so it never collides with a subcommand's own codes. */
  USAGE: 64,
  CANCELLED: 130,
} as const;
