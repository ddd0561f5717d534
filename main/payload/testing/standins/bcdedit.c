/* Stand-in for bcdedit.exe: records its arguments to <BOOTMEND_STANDIN_DIR>\bcdedit.log,
 * answers like the real tool; fails when the file bcdedit.fail exists. */
#include "common.h"

int main(int argc, char **argv) {
  standin_log_call("bcdedit.log", "bcdedit", argc, argv);
  if (standin_exists("bcdedit.fail")) {
    printf("The boot configuration data store could not be opened.\r\nThe system cannot find the file specified.\r\n");
    return 1;
  }
  printf("The operation completed successfully.\r\n");
  return 0;
}
