/* Stand-in for bcdedit.exe: records its arguments to <BOOTMEND_STANDIN_DIR>\bcdedit.log and
 * answers like the real tool; fails every call when the file bcdedit.fail exists.
 * Safe boot state per entry: safeboot-default / safeboot-current hold the element's value
 * (e.g. Minimal) while it is set. As documented for "bcdedit /deletevalue", deleting an
 * element that is not set is an error ("Element not found", exit 1); "/enum {id}" lists
 * the entry with its safeboot line only while it is set. */
#include "common.h"

static const char *state_of(const char *id) {
  if (_stricmp(id, "{default}") == 0) return "safeboot-default";
  if (_stricmp(id, "{current}") == 0) return "safeboot-current";
  return NULL;
}

int main(int argc, char **argv) {
  const char *state;
  char value[64];
  standin_log_call("bcdedit.log", "bcdedit", argc, argv);
  if (standin_exists("bcdedit.fail")) {
    printf("The boot configuration data store could not be opened.\r\nThe system cannot find the file specified.\r\n");
    return 1;
  }
  if (argc == 3 && _stricmp(argv[1], "/enum") == 0 && (state = state_of(argv[2]))) {
    printf("\r\nWindows Boot Loader\r\n-------------------\r\n");
    printf("identifier              {current}\r\ndevice                  partition=C:\r\npath                    \\WINDOWS\\system32\\winload.efi\r\n");
    printf("description             Windows 10\r\nlocale                  en-US\r\nosdevice                partition=C:\r\nsystemroot              \\WINDOWS\r\n");
    if (standin_read(state, value, sizeof value)) printf("safeboot                %s\r\n", value);
    printf("\r\n");
    return 0;
  }
  if (argc == 4 && _stricmp(argv[1], "/deletevalue") == 0 && _stricmp(argv[3], "safeboot") == 0 && (state = state_of(argv[2]))) {
    if (!standin_exists(state)) {
      printf("An error has occurred setting the element data.\r\nElement not found.\r\n");
      return 1;
    }
    standin_remove(state);
  }
  if (argc == 5 && _stricmp(argv[1], "/set") == 0 && _stricmp(argv[3], "safeboot") == 0 && (state = state_of(argv[2]))) {
    char p[1024];
    FILE *f;
    standin_path(p, sizeof p, state);
    f = fopen(p, "wb");
    if (f) {
      fprintf(f, "%s\n", _stricmp(argv[4], "network") == 0 ? "Network" : "Minimal");
      fclose(f);
    }
  }
  printf("The operation completed successfully.\r\n");
  return 0;
}
