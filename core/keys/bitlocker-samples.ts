/**
 * `manage-bde -protectors -get` outputs used as fixtures by the key-ID parser tests and as
 * what the Windows-emulated tests' stand-in manage-bde prints. The unlocked shapes follow
 * outputs published by users of English and German Windows 10/11; the locked (WinPE)
 * shapes are reconstructed from them: a locked volume lists its protectors but cannot show
 * the password. All GUIDs and passwords are made up (the passwords are valid in form).
 */

export const SAMPLE_RECOVERY_PASSWORD = '239932-222464-594176-019712-123904-664576-484352-304128';
export const SAMPLE_NUMERICAL_PASSWORD_ID = '8A1C3E5F-2B4D-4F6A-9C8E-1A3B5C7D9E0F';
export const SAMPLE_TPM_ID = '5D2E4F6A-7B8C-4D9E-A0B1-C2D3E4F5A6B7';
export const SAMPLE_EXTERNAL_KEY_ID = '7CD4BD8B-56E0-4F1F-BA0E-3BC0A1B2C355';

const crlf = (lines: string[]): string => `${lines.join('\r\n')}\r\n`;

export const MANAGE_BDE_EN_UNLOCKED = crlf([
  'BitLocker Drive Encryption: Configuration Tool version 10.0.22621',
  'Copyright (C) 2013 Microsoft Corporation. All rights reserved.',
  '',
  'Volume C: [Windows]',
  'All Key Protectors',
  '',
  '    TPM:',
  `      ID: {${SAMPLE_TPM_ID}}`,
  '      PCR Validation Profile:',
  '        7, 11',
  '        (Uses Secure Boot for integrity validation)',
  '',
  '    Numerical Password:',
  `      ID: {${SAMPLE_NUMERICAL_PASSWORD_ID}}`,
  '      Password:',
  `        ${SAMPLE_RECOVERY_PASSWORD}`,
  '      Backup type:',
  '        Azure AD backup',
  '',
]);

export const MANAGE_BDE_DE_UNLOCKED = crlf([
  'BitLocker-Laufwerkverschlüsselung: Konfigurationstool, Version 10.0.26100',
  'Copyright (C) 2013 Microsoft Corporation. Alle Rechte vorbehalten.',
  '',
  'Volume "C:" [OS]',
  'Alle Schlüsselschutzvorrichtungen',
  '',
  '    TPM:',
  `      ID: {${SAMPLE_TPM_ID}}`,
  '      PCR-Validierungsprofil:',
  '        7, 11',
  '        (Verwendet den sicheren Start für die Integritätsüberprüfung)',
  '',
  '    Numerisches Kennwort:',
  `      ID: {${SAMPLE_NUMERICAL_PASSWORD_ID}}`,
  '      Kennwort:',
  `        ${SAMPLE_RECOVERY_PASSWORD}`,
  '      Sicherungstyp:',
  '        Microsoft-Kontosicherung',
  '',
]);

/** In WinPE the volume is locked: no password line, and the password protector may come first. */
export const MANAGE_BDE_EN_LOCKED = crlf([
  'BitLocker Drive Encryption: Configuration Tool version 10.0.22621',
  'Copyright (C) 2013 Microsoft Corporation. All rights reserved.',
  '',
  'Volume C: [Label Unknown]',
  'All Key Protectors',
  '',
  '    Numerical Password:',
  `      ID: {${SAMPLE_NUMERICAL_PASSWORD_ID}}`,
  '',
  '    TPM:',
  `      ID: {${SAMPLE_TPM_ID}}`,
  '      PCR Validation Profile:',
  '        0, 2, 4, 11',
  '',
]);

export const MANAGE_BDE_DE_LOCKED = crlf([
  'BitLocker-Laufwerkverschlüsselung: Konfigurationstool, Version 10.0.22621',
  'Copyright (C) 2013 Microsoft Corporation. Alle Rechte vorbehalten.',
  '',
  'Volume "C:" [Bezeichnung unbekannt]',
  'Alle Schlüsselschutzvorrichtungen',
  '',
  '    TPM:',
  `      ID: {${SAMPLE_TPM_ID}}`,
  '      PCR-Validierungsprofil:',
  '        7, 11',
  '        (Verwendet den sicheren Start für die Integritätsüberprüfung)',
  '',
  '    Numerisches Kennwort:',
  `      ID: {${SAMPLE_NUMERICAL_PASSWORD_ID}}`,
  '',
]);

/** A data volume that unlocks automatically: the .BEK file name is GUID-shaped but no protector ID. */
export const MANAGE_BDE_EN_DATA_VOLUME = crlf([
  'BitLocker Drive Encryption: Configuration Tool version 10.0.19045',
  'Copyright (C) 2013 Microsoft Corporation. All rights reserved.',
  '',
  'Volume D: [Data]',
  'All Key Protectors',
  '',
  '    Numerical Password:',
  `      ID: {${SAMPLE_NUMERICAL_PASSWORD_ID}}`,
  '      Password:',
  `        ${SAMPLE_RECOVERY_PASSWORD}`,
  '',
  '    External Key:',
  `      ID: {${SAMPLE_EXTERNAL_KEY_ID}}`,
  '      External Key File Name:',
  `        ${SAMPLE_EXTERNAL_KEY_ID}.BEK`,
  '      Automatic unlock enabled.',
  '',
]);

/** `manage-bde -protectors -get C: -Type RecoveryPassword` on a locked volume. */
export const MANAGE_BDE_EN_LOCKED_RECOVERY_ONLY = crlf([
  'BitLocker Drive Encryption: Configuration Tool version 10.0.22621',
  'Copyright (C) 2013 Microsoft Corporation. All rights reserved.',
  '',
  'Volume C: [Label Unknown]',
  'Key Protectors of Type Numerical Password',
  '',
  '    Numerical Password:',
  `      ID: {${SAMPLE_NUMERICAL_PASSWORD_ID}}`,
  '',
]);

/** A language whose heading Bootmend does not know: the TPM is still told apart by its PCR list. */
export const MANAGE_BDE_UNLISTED_LANGUAGE_LOCKED = crlf([
  'BitLocker-diskkryptering: konfigurationsverktyg version 10.0.22621',
  '',
  'Volym C: [Okänd etikett]',
  'Alla nyckelskydd',
  '',
  '    TPM:',
  `      ID: {${SAMPLE_TPM_ID}}`,
  '      PCR-valideringsprofil:',
  '        7, 11',
  '',
  '    Numeriskt lösenord:',
  `      ID: {${SAMPLE_NUMERICAL_PASSWORD_ID}}`,
  '',
]);
