/* Stand-in for reg.exe: the queries fix.cmd makes, and "reg load"/"reg unload" of an offline
 * SYSTEM hive (Microsoft's "reg load" docs: reg load <KeyName> <FileName>, loaded under HKLM or
 * HKU only; "reg unload <KeyName>"). Wine's reg.exe has no "load". A fake hive is a text file
 * whose first line is BOOTMEND-FAKE-HIVE and whose other lines are key|value|type|data, e.g.
 *   ControlSet001\Control\ComputerName\ComputerName|ComputerName|REG_SZ|PC-0042
 * State in <BOOTMEND_STANDIN_DIR>: minint (present = WinPE's MiniNT key exists), bm_sys.loaded
 * (the hive file loaded as HKLM\BM_SYS). Every call is appended to reg.log. */
#include "common.h"

#define NOT_FOUND "ERROR: The system was unable to find the specified registry key or value.\r\n"

static int starts_with_i(const char *s, const char *prefix) {
  return _strnicmp(s, prefix, strlen(prefix)) == 0;
}

static int is_mount(const char *key) {
  return _stricmp(key, "HKLM\\BM_SYS") == 0 || _stricmp(key, "HKEY_LOCAL_MACHINE\\BM_SYS") == 0;
}

static int query_hive(const char *sub, const char *value) {
  char path[1024], line[2048];
  FILE *f;
  int found = 0;
  if (!standin_read("bm_sys.loaded", path, sizeof path)) {
    printf(NOT_FOUND);
    return 1;
  }
  f = fopen(path, "rb");
  if (!f) {
    printf(NOT_FOUND);
    return 1;
  }
  while (fgets(line, sizeof line, f)) {
    char *k = line, *v, *t, *d;
    size_t len = strlen(line);
    while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r')) line[--len] = 0;
    if (!(v = strchr(k, '|'))) continue;
    *v++ = 0;
    if (!(t = strchr(v, '|'))) continue;
    *t++ = 0;
    if (!(d = strchr(t, '|'))) continue;
    *d++ = 0;
    if (_stricmp(k, sub) != 0 || (value && _stricmp(v, value) != 0)) continue;
    if (!found) printf("\r\nHKEY_LOCAL_MACHINE\\BM_SYS\\%s\r\n", k);
    printf("    %s    %s    %s\r\n", v, t, d);
    found = 1;
  }
  fclose(f);
  if (!found) {
    printf(NOT_FOUND);
    return 1;
  }
  printf("\r\n");
  return 0;
}

int main(int argc, char **argv) {
  standin_log_call("reg.log", "reg", argc, argv);
  if (argc == 4 && _stricmp(argv[1], "load") == 0) {
    char first[64] = "";
    FILE *f;
    if (!is_mount(argv[2]) || standin_exists("bm_sys.loaded")) {
      printf("ERROR: Access is denied.\r\n");
      return 1;
    }
    f = fopen(argv[3], "rb");
    if (f) {
      if (!fgets(first, sizeof first, f)) first[0] = 0;
      fclose(f);
    }
    if (!starts_with_i(first, "BOOTMEND-FAKE-HIVE")) {
      printf("ERROR: The system cannot find the file specified.\r\n");
      return 1;
    }
    {
      char p[1024];
      FILE *s;
      standin_path(p, sizeof p, "bm_sys.loaded");
      s = fopen(p, "wb");
      if (!s) return 1;
      fprintf(s, "%s\n", argv[3]);
      fclose(s);
    }
    printf("The operation completed successfully.\r\n");
    return 0;
  }
  if (argc == 3 && _stricmp(argv[1], "unload") == 0) {
    if (!is_mount(argv[2]) || !standin_exists("bm_sys.loaded")) {
      printf("ERROR: The parameter is incorrect.\r\n");
      return 1;
    }
    standin_remove("bm_sys.loaded");
    printf("The operation completed successfully.\r\n");
    return 0;
  }
  if (argc >= 3 && _stricmp(argv[1], "query") == 0) {
    const char *key = argv[2];
    const char *value = argc >= 5 && _stricmp(argv[3], "/v") == 0 ? argv[4] : NULL;
    if (starts_with_i(key, "HKLM\\BM_SYS\\")) return query_hive(key + strlen("HKLM\\BM_SYS\\"), value);
    if (_stricmp(key, "HKLM\\SYSTEM\\CurrentControlSet\\Control\\MiniNT") == 0 && !value && standin_exists("minint")) {
      printf("\r\nHKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Control\\MiniNT\r\n\r\n");
      return 0;
    }
    printf(NOT_FOUND);
    return 1;
  }
  printf("ERROR: Invalid syntax.\r\nType \"REG /?\" for usage.\r\n");
  return 1;
}
