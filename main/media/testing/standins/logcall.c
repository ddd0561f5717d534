/* Stand-in for a WinPE tool (drvload, wpeinit) under Wine: appends "<TOOL> <args>" to
 * launch.log in the folder named by BOOTMEND_STANDIN_DIR, so a test sees what ran, in order.
 * Built with -DTOOL=\"drvload\" (or wpeinit) by mingw-w64 at test time. */
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv) {
  const char *dir = getenv("BOOTMEND_STANDIN_DIR");
  char path[1024];
  FILE *log;
  int i;
  snprintf(path, sizeof path, "%s\\launch.log", dir && *dir ? dir : ".");
  log = fopen(path, "ab");
  if (!log) return 1;
  fprintf(log, "%s", TOOL);
  for (i = 1; i < argc; i++) fprintf(log, " %s", argv[i]);
  fprintf(log, "\n");
  fclose(log);
  return 0;
}
