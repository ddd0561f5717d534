/* Stand-in for manage-bde.exe (BitLocker), English or German like the real tool.
 * State in <BOOTMEND_STANDIN_DIR>: lang ("de" for German), and per volume letter L:
 *   L.keyid        the numerical-password protector's GUID (present = BitLocker volume)
 *   L.locked       present = locked
 *   L.password     the recovery password -unlock accepts (dashes/spaces ignored)
 *   L.unlock-from / L.unlock-to   Windows paths renamed on unlock (makes the tree readable)
 *   L.data         present = a data volume: an auto-unlock External Key protector, no TPM
 *   L.morekeys     further numerical-password GUIDs, one a line
 *   L.protectors-all / L.protectors-rp   a recorded real output printed as it is for
 *                  "-protectors -get L:" / "... -Type RecoveryPassword" (test fixtures)
 * Every call is appended to manage-bde.log with the password redacted.
 * German text uses code page 850 bytes, as the real console tool writes them. */
#include <windows.h>
#include "common.h"

static int german;

static void header(void) {
  if (german)
    printf("BitLocker-Laufwerkverschl\x81sselung: Konfigurationstool, Version 10.0.19041\r\n"
           "Copyright (C) 2013 Microsoft Corporation. Alle Rechte vorbehalten.\r\n\r\n");
  else
    printf("BitLocker Drive Encryption: Configuration Tool version 10.0.19041\r\n"
           "Copyright (C) 2013 Microsoft Corporation. All rights reserved.\r\n\r\n");
}

static void volume_line(char l) {
  if (german) printf("Volume \"%c:\" [Windows]\r\n", l);
  else printf("Volume %c: [Windows]\r\n", l);
}

static int letter_of(const char *arg, char *l) {
  if (!arg || !isalpha((unsigned char)arg[0]) || arg[1] != ':' || arg[2] != 0) return 0;
  *l = (char)toupper((unsigned char)arg[0]);
  return 1;
}

static int has_key(char l, char *guid, size_t n) {
  char name[16];
  snprintf(name, sizeof name, "%c.keyid", l);
  return standin_read(name, guid, n);
}

static int is_locked(char l) {
  char name[16];
  snprintf(name, sizeof name, "%c.locked", l);
  return standin_exists(name);
}

static int is_data(char l) {
  char name[16];
  snprintf(name, sizeof name, "%c.data", l);
  return standin_exists(name);
}

static void status_one(char l) {
  char guid[128];
  int key = has_key(l, guid, sizeof guid);
  int locked = key && is_locked(l);
  volume_line(l);
  if (german) {
    printf(is_data(l) ? "[Datenvolume]\r\n\r\n" : "[Betriebssystemvolume]\r\n\r\n");
    printf("    Gr\x94\xe1" "e:                        %s\r\n", locked ? "Unbekannt GB" : "237,87 GB");
    printf("    BitLocker-Version:            %s\r\n", key ? "2.0" : "Kein");
    printf("    Konvertierungsstatus:         %s\r\n", key ? "Vollst\x84ndig verschl\x81sselt" : "Vollst\x84ndig entschl\x81sselt");
    printf("    Verschl\x81sselt (Prozent):      %s\r\n", key ? "100,0 %" : "0,0 %");
    printf("    Verschl\x81sselungsmethode:      %s\r\n", key ? "XTS-AES 128" : "Kein");
    printf("    Schutzstatus:                 %s\r\n", key ? "Der Schutz ist aktiviert." : "Der Schutz ist deaktiviert.");
    printf("    Sperrstatus:                  %s\r\n", locked ? "Gesperrt" : "Entsperrt");
    printf("    ID-Feld:                      Unbekannt\r\n");
    printf("    Schl\x81sselschutzvorrichtungen:\r\n");
    printf("        %s\r\n\r\n", key ? "Numerisches Kennwort" : "Keine gefunden");
  } else {
    printf(is_data(l) ? "[Data Volume]\r\n\r\n" : "[OS Volume]\r\n\r\n");
    printf("    Size:                 %s\r\n", locked ? "Unknown GB" : "237.87 GB");
    printf("    BitLocker Version:    %s\r\n", key ? "2.0" : "None");
    printf("    Conversion Status:    %s\r\n", key ? "Fully Encrypted" : "Fully Decrypted");
    printf("    Percentage Encrypted: %s\r\n", key ? "100.0%" : "0.0%");
    printf("    Encryption Method:    %s\r\n", key ? "XTS-AES 128" : "None");
    printf("    Protection Status:    %s\r\n", key ? "Protection On" : "Protection Off");
    printf("    Lock Status:          %s\r\n", locked ? "Locked" : "Unlocked");
    printf("    Identification Field: Unknown\r\n");
    printf("    Key Protectors:\r\n");
    printf("        %s\r\n\r\n", key ? "Numerical Password" : "None Found");
  }
}

static void normalize(const char *in, char *out, size_t n) {
  size_t j = 0;
  for (; *in && j + 1 < n; in++)
    if (*in != '-' && *in != ' ') out[j++] = *in;
  out[j] = 0;
}

int main(int argc, char **argv) {
  char lang[16] = "";
  char l;
  int i;
  standin_log_call("manage-bde.log", "manage-bde", argc, argv);
  standin_read("lang", lang, sizeof lang);
  german = _stricmp(lang, "de") == 0;
  header();

  if (argc >= 2 && _stricmp(argv[1], "-status") == 0) {
    if (argc >= 3) {
      if (!letter_of(argv[2], &l)) goto usage;
      status_one(l);
      return 0;
    }
    printf(german ? "Datentr\x84gervolumes, die mit der BitLocker-Laufwerkverschl\x81sselung\r\ngesch\x81tzt werden k\x94nnen:\r\n"
                  : "Disk volumes that can be protected with\r\nBitLocker Drive Encryption:\r\n");
    for (l = 'C'; l <= 'Z'; l++) {
      char guid[128];
      if (has_key(l, guid, sizeof guid)) status_one(l);
    }
    return 0;
  }

  if (argc >= 4 && _stricmp(argv[1], "-protectors") == 0 && _stricmp(argv[2], "-get") == 0) {
    char guid[128], pw[128], name_more[32];
    int only_password = 0;
    if (!letter_of(argv[3], &l)) goto usage;
    for (i = 4; i + 1 < argc; i++)
      if (_stricmp(argv[i], "-Type") == 0 || _stricmp(argv[i], "-t") == 0) only_password = _stricmp(argv[i + 1], "RecoveryPassword") == 0;
    {
      char p[1024], name_rec[32], buf[4096];
      size_t n;
      FILE *rec;
      snprintf(name_rec, sizeof name_rec, only_password ? "%c.protectors-rp" : "%c.protectors-all", l);
      standin_path(p, sizeof p, name_rec);
      rec = fopen(p, "rb");
      if (rec) {
        while ((n = fread(buf, 1, sizeof buf, rec)) > 0) fwrite(buf, 1, n, stdout);
        fclose(rec);
        return 0;
      }
    }
    if (!has_key(l, guid, sizeof guid)) {
      printf(german ? "FEHLER: Es wurden keine Schl\x81sselschutzvorrichtungen gefunden.\r\n" : "ERROR: No key protectors found.\r\n");
      return -1;
    }
    volume_line(l);
    printf(german ? (only_password ? "Schl\x81sselschutzvorrichtungen vom Typ \"Numerisches Kennwort\"\r\n\r\n" : "Alle Schl\x81sselschutzvorrichtungen\r\n\r\n")
                  : (only_password ? "Key Protectors of Type Numerical Password\r\n\r\n" : "All Key Protectors\r\n\r\n"));
    if (!only_password && is_data(l)) {
      printf(german ? "    Externer Schl\x81ssel (f\x81r die automatische Entsperrung erforderlich):\r\n      ID: {2E6A4D3B-0C8F-4D22-9B1E-6F307C8D9EA1}\r\n\r\n"
                    : "    External Key (Required for automatic unlock):\r\n      ID: {2E6A4D3B-0C8F-4D22-9B1E-6F307C8D9EA1}\r\n\r\n");
    } else if (!only_password) {
      printf("    TPM:\r\n      ID: {1D5F3C2A-9B7E-4C11-8A0D-5E2F6B7C8D90}\r\n");
      printf(german ? "      PCR-Validierungsprofil:\r\n        7, 11\r\n        (Verwendet den sicheren Start f\x81r die Integrit\x84ts\x81" "berpr\x81" "fung)\r\n\r\n"
                    : "      PCR Validation Profile:\r\n        7, 11\r\n        (Uses Secure Boot for integrity validation)\r\n\r\n");
    }
    printf(german ? "    Numerisches Kennwort:\r\n" : "    Numerical Password:\r\n");
    printf("      ID: {%s}\r\n", guid);
    if (!is_locked(l) && standin_read((snprintf(pw, sizeof pw, "%c.password", l), pw), pw, sizeof pw))
      printf(german ? "      Kennwort:\r\n        %s\r\n\r\n" : "      Password:\r\n        %s\r\n\r\n", pw);
    else
      printf("\r\n");
    {
      char p[1024], line[256];
      FILE *more;
      snprintf(name_more, sizeof name_more, "%c.morekeys", l);
      standin_path(p, sizeof p, name_more);
      more = fopen(p, "rb");
      while (more && fgets(line, sizeof line, more)) {
        size_t len = strlen(line);
        while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r')) line[--len] = 0;
        if (len) printf(german ? "    Numerisches Kennwort:\r\n      ID: {%s}\r\n\r\n" : "    Numerical Password:\r\n      ID: {%s}\r\n\r\n", line);
      }
      if (more) fclose(more);
    }
    return 0;
  }

  if (argc >= 5 && _stricmp(argv[1], "-unlock") == 0 && (_stricmp(argv[3], "-RecoveryPassword") == 0 || _stricmp(argv[3], "-rp") == 0)) {
    char guid[128], name[32], want[128], wantn[128], given[256];
    if (!letter_of(argv[2], &l)) goto usage;
    if (!has_key(l, guid, sizeof guid)) {
      printf(german ? "FEHLER: Das Volume %c: ist nicht mit BitLocker verschl\x81sselt.\r\n" : "ERROR: The volume %c: is not encrypted with BitLocker.\r\n", l);
      return -1;
    }
    if (!is_locked(l)) {
      printf(german ? "Das Volume %c: ist bereits entsperrt.\r\n" : "The volume %c: is already unlocked.\r\n", l);
      return 0;
    }
    snprintf(name, sizeof name, "%c.password", l);
    if (!standin_read(name, want, sizeof want)) want[0] = 0;
    normalize(want, wantn, sizeof wantn);
    normalize(argv[4], given, sizeof given);
    if (!wantn[0] || strcmp(wantn, given) != 0) {
      printf(german ? "FEHLER: Ein Fehler ist aufgetreten (Code 0x80310027):\r\nDas Volume kann nicht mit den angegebenen Informationen entsperrt werden.\r\n"
                    : "ERROR: An error occurred (code 0x80310027):\r\nThe volume cannot be unlocked with the provided information.\r\n");
      return -1;
    }
    snprintf(name, sizeof name, "%c.locked", l);
    standin_remove(name);
    {
      char from[1024], to[1024], n1[32], n2[32];
      snprintf(n1, sizeof n1, "%c.unlock-from", l);
      snprintf(n2, sizeof n2, "%c.unlock-to", l);
      if (standin_read(n1, from, sizeof from) && standin_read(n2, to, sizeof to) && !MoveFileA(from, to)) {
        printf("stand-in: could not rename %s to %s (error %lu)\r\n", from, to, (unsigned long)GetLastError());
        return -1;
      }
    }
    printf(german ? "Das Kennwort hat das Volume %c: erfolgreich entsperrt.\r\n" : "The password successfully unlocked volume %c:.\r\n", l);
    return 0;
  }

usage:
  printf(german ? "FEHLER: Ung\x81ltige Parameter.\r\n" : "ERROR: Invalid parameters.\r\n");
  return -1;
}
