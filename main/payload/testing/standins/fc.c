/* Stand-in for fc.exe /b (binary compare), answering as the real tool does
 * (learn.microsoft.com/windows-server/administration/windows-commands/fc):
 *   Comparing files A and B
 *   00000000: AA 00          one line per differing byte: offset, byte in A, byte in B
 *   FC: A longer than B      when one file is longer (the shorter one's bytes all compared)
 *   FC: no differences encountered
 * Exit code 0 when identical, 1 when different, 2 when a file cannot be opened.
 * Wine's own fc.exe is a stub that prints nothing. Calls are logged to fc.log. */
#include "common.h"

static void upper(char *s) {
  for (; *s; s++) *s = (char)toupper((unsigned char)*s);
}

int main(int argc, char **argv) {
  FILE *a, *b;
  char na[1024], nb[1024];
  long offset = 0;
  int ca, cb, differ = 0;
  standin_log_call("fc.log", "fc", argc, argv);
  if (argc != 4 || _stricmp(argv[1], "/b") != 0) {
    printf("FC: Insufficient number of file specifications\r\n");
    return 2;
  }
  a = fopen(argv[2], "rb");
  b = fopen(argv[3], "rb");
  snprintf(na, sizeof na, "%s", argv[2]);
  snprintf(nb, sizeof nb, "%s", argv[3]);
  upper(na);
  upper(nb);
  if (!a || !b) {
    printf("FC: cannot open %s - No such file or folder\r\n\r\n", !a ? na : nb);
    return 2;
  }
  printf("Comparing files %s and %s\r\n", na, nb);
  for (;;) {
    ca = fgetc(a);
    cb = fgetc(b);
    if (ca == EOF || cb == EOF) break;
    if (ca != cb) {
      printf("%08lX: %02X %02X\r\n", offset, ca, cb);
      differ = 1;
    }
    offset++;
  }
  if (ca != EOF) {
    printf("FC: %s longer than %s\r\n\r\n", na, nb);
    differ = 1;
  } else if (cb != EOF) {
    printf("FC: %s longer than %s\r\n\r\n", nb, na);
    differ = 1;
  } else if (!differ) {
    printf("FC: no differences encountered\r\n\r\n");
  }
  fclose(a);
  fclose(b);
  return differ;
}
