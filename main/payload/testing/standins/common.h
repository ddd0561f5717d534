/* Shared helpers for Bootmend's test stand-ins of Windows tools (built with mingw-w64
 * at test time, run under Wine). State lives in plain files in the folder named by the
 * BOOTMEND_STANDIN_DIR environment variable (a Windows path, e.g. Z:\tmp\x\standin). */
#ifndef BOOTMEND_STANDIN_COMMON_H
#define BOOTMEND_STANDIN_COMMON_H
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ctype.h>

static const char *standin_dir(void) {
  const char *d = getenv("BOOTMEND_STANDIN_DIR");
  return d && *d ? d : ".";
}

static __attribute__((unused)) void standin_path(char *out, size_t n, const char *name) {
  snprintf(out, n, "%s\\%s", standin_dir(), name);
}

static __attribute__((unused)) int standin_exists(const char *name) {
  char p[1024];
  FILE *f;
  standin_path(p, sizeof p, name);
  f = fopen(p, "rb");
  if (!f) return 0;
  fclose(f);
  return 1;
}

/* Reads the first line of a state file (without CR/LF) into out; returns 0 when absent. */
static __attribute__((unused)) int standin_read(const char *name, char *out, size_t n) {
  char p[1024];
  FILE *f;
  size_t len;
  standin_path(p, sizeof p, name);
  f = fopen(p, "rb");
  if (!f) return 0;
  if (!fgets(out, (int)n, f)) out[0] = 0;
  fclose(f);
  len = strlen(out);
  while (len > 0 && (out[len - 1] == '\n' || out[len - 1] == '\r')) out[--len] = 0;
  return 1;
}

static __attribute__((unused)) void standin_remove(const char *name) {
  char p[1024];
  standin_path(p, sizeof p, name);
  remove(p);
}

/* Appends one line to <dir>\<log>: the tool's arguments, with any value after a
 * -RecoveryPassword/-rp switch replaced by <redacted> so no secret lands in a log. */
static __attribute__((unused)) void standin_log_call(const char *log, const char *tool, int argc, char **argv) {
  char p[1024];
  FILE *f;
  int i;
  standin_path(p, sizeof p, log);
  f = fopen(p, "ab");
  if (!f) return;
  fputs(tool, f);
  for (i = 1; i < argc; i++) {
    int secret = i > 1 && (_stricmp(argv[i - 1], "-RecoveryPassword") == 0 || _stricmp(argv[i - 1], "-rp") == 0);
    fprintf(f, " %s", secret ? "<redacted>" : argv[i]);
  }
  fputs("\n", f);
  fclose(f);
}

#endif
