/* Stand-in for fsutil.exe: "fsutil dirty query <volume>:" (the admin check fix.cmd makes) and
 * "fsutil fsinfo drives" (every drive letter that exists, readable or not: "Drives: C:\ D:\").
 * Microsoft's fsutil docs: "You must be logged on as an administrator or a member of the
 * Administrators group to use fsutil". With <BOOTMEND_STANDIN_DIR>\fsutil.denied present it
 * answers as for a user who is not elevated. Calls are logged to fsutil.log. */
#include <windows.h>
#include "common.h"

int main(int argc, char **argv) {
  standin_log_call("fsutil.log", "fsutil", argc, argv);
  if (standin_exists("fsutil.denied")) {
    printf("Error:  Access is denied.\r\n");
    return 1;
  }
  if (argc == 4 && _stricmp(argv[1], "dirty") == 0 && _stricmp(argv[2], "query") == 0) {
    printf("Volume - %s is NOT Dirty\r\n", argv[3]);
    return 0;
  }
  if (argc == 3 && _stricmp(argv[1], "fsinfo") == 0 && _stricmp(argv[2], "drives") == 0) {
    char buf[512], *d;
    DWORD n = GetLogicalDriveStringsA(sizeof buf, buf);
    printf("\r\nDrives: ");
    char l, name[16];
    for (d = buf; n && *d; d += strlen(d) + 1) printf("%s ", d);
    /* Wine leaves out a letter whose folder is missing, as the harness fakes a locked volume;
     * Windows lists a locked BitLocker volume like any other: add those the stand-in knows. */
    for (l = 'C'; l <= 'Z'; l++) {
      snprintf(name, sizeof name, "%c.keyid", l);
      if (standin_exists(name) && !(GetLogicalDrives() & (1u << (l - 'A')))) printf("%c:\\ ", l);
    }
    printf("\r\n");
    return 0;
  }
  printf("---- Stand-in fsutil: only 'dirty query' ----\r\n");
  return 1;
}
