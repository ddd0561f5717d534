/* Stand-in for fsutil.exe, only "fsutil dirty query <volume>:" (the admin check fix.cmd makes).
 * Microsoft's fsutil docs: "You must be logged on as an administrator or a member of the
 * Administrators group to use fsutil". With <BOOTMEND_STANDIN_DIR>\fsutil.denied present it
 * answers as for a user who is not elevated. Calls are logged to fsutil.log. */
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
  printf("---- Stand-in fsutil: only 'dirty query' ----\r\n");
  return 1;
}
