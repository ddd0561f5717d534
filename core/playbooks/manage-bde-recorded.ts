/**
 * `manage-bde -protectors -get` outputs for two locked volumes of one PC, taken from recorded
 * real outputs (test fixtures for fix.cmd's role rule: core/playbooks/machine-outcome.ts and
 * main/payload/fix-cmd-bitlocker.wine.test.ts, where the stand-in manage-bde prints them as
 * they are). What `-get` lists and what `-Type` narrows it to: Microsoft's manage-bde
 * documentation (learn.microsoft.com/windows-server/administration/windows-commands/manage-bde-protectors).
 *
 * - The OS volume: Microsoft's own example output of `manage-bde -protectors c: -get` (the
 *   Microsoft 365 admin article "Accessing Bitlocker recovery keys"): a TPM protector and a
 *   numerical password. The article masks parts of the GUID (XXXX, YYYY, ZZZZ), filled in here
 *   with hex digits; the password lines are left out, as a locked volume cannot show them.
 * - The data drive: a recorded output of a locked data volume (malwaremaloney.blogspot.com,
 *   "Cracking OneDrive's Personal Vault", 2024: header, "[Label Unknown]", the External Key
 *   block with its .BEK name, three-space indent), with two numerical-password protectors
 *   added in the same layout, since a fixed data drive keeps its recovery passwords there.
 */
const crlf = (lines: string[]): string => `${lines.join('\r\n')}\r\n`;

export const RECORDED_OS_TPM_ID = '8A5D13D6-7ED9-46C8-A74F-AC3ADF016EC8';
export const RECORDED_OS_PASSWORD_ID = 'DFA26333-0A1B-402C-9C2D-A8C40AF3E4F5';
export const RECORDED_DATA_EXTERNAL_KEY_ID = '08F750D7-0483-4F0E-847B-174119BD2896';
export const RECORDED_DATA_PASSWORD_IDS = ['3C9E1F42-7A55-4B0D-8E21-6F0B4D2C9A11', '91B7D3E0-2C44-4F8A-A3B9-05D6E7F81C22'] as const;

/** `manage-bde -protectors -get D:` on the locked OS volume. */
export const RECORDED_OS_LOCKED_ALL = crlf([
  'BitLocker Drive Encryption: Configuration Tool version 10.0.19041',
  'Copyright (C) 2013 Microsoft Corporation. All rights reserved.',
  '',
  'Volume D: []',
  'All Key Protectors',
  '    TPM:',
  `      ID: {${RECORDED_OS_TPM_ID}}`,
  '      PCR Validation Profile:',
  '        0, 2, 4, 8, 9, 10, 11',
  '    Numerical Password:',
  `      ID: {${RECORDED_OS_PASSWORD_ID}}`,
  '',
]);

/** `manage-bde -protectors -get D: -Type RecoveryPassword` on the same volume. */
export const RECORDED_OS_LOCKED_RECOVERY = crlf([
  'BitLocker Drive Encryption: Configuration Tool version 10.0.19041',
  'Copyright (C) 2013 Microsoft Corporation. All rights reserved.',
  '',
  'Volume D: []',
  'Key Protectors of Type Numerical Password',
  '',
  '    Numerical Password:',
  `      ID: {${RECORDED_OS_PASSWORD_ID}}`,
  '',
]);

/** `manage-bde -protectors -get F:` on the locked data drive (auto-unlock external key + two recovery passwords). */
export const RECORDED_DATA_LOCKED_ALL = crlf([
  'BitLocker Drive Encryption: Configuration Tool version 10.0.19041',
  'Copyright (C) 2013 Microsoft Corporation. All rights reserved.',
  '',
  'Volume F: [Label Unknown]',
  'All Key Protectors',
  '',
  '   External Key:',
  `     ID: {${RECORDED_DATA_EXTERNAL_KEY_ID}}`,
  '     External Key File Name:',
  `       ${RECORDED_DATA_EXTERNAL_KEY_ID}.BEK`,
  '',
  '   Numerical Password:',
  `     ID: {${RECORDED_DATA_PASSWORD_IDS[0]}}`,
  '',
  '   Numerical Password:',
  `     ID: {${RECORDED_DATA_PASSWORD_IDS[1]}}`,
  '',
]);

/** `manage-bde -protectors -get F: -Type RecoveryPassword` on the data drive. */
export const RECORDED_DATA_LOCKED_RECOVERY = crlf([
  'BitLocker Drive Encryption: Configuration Tool version 10.0.19041',
  'Copyright (C) 2013 Microsoft Corporation. All rights reserved.',
  '',
  'Volume F: [Label Unknown]',
  'Key Protectors of Type Numerical Password',
  '',
  '   Numerical Password:',
  `     ID: {${RECORDED_DATA_PASSWORD_IDS[0]}}`,
  '',
  '   Numerical Password:',
  `     ID: {${RECORDED_DATA_PASSWORD_IDS[1]}}`,
  '',
]);

export const RECORDED_OS_NO_TPM_PASSWORD_ID = '5E0B9C21-4D7A-4F3E-9B62-7C1D8E2F3A44';
export const RECORDED_OS_NO_TPM_KEY_ID = 'B4C8E2A0-6F13-4D57-8A9B-0E1F2D3C4B55';

/**
 * `manage-bde -protectors -get F:` on a locked OS volume of a PC without a TPM: Microsoft's
 * example output above with its TPM block replaced by the password protector that
 * `manage-bde -protectors -add C: -password` puts there (manage-bde-protectors docs; a startup
 * key would print an External Key block, the data drive's shape). Its protectors alone cannot
 * tell it from a data drive: that is the case fix.cmd must not read as one.
 */
export const RECORDED_OS_NO_TPM_LOCKED_ALL = crlf([
  'BitLocker Drive Encryption: Configuration Tool version 10.0.19041',
  'Copyright (C) 2013 Microsoft Corporation. All rights reserved.',
  '',
  'Volume F: []',
  'All Key Protectors',
  '    Password:',
  `      ID: {${RECORDED_OS_NO_TPM_PASSWORD_ID}}`,
  '    Numerical Password:',
  `      ID: {${RECORDED_OS_NO_TPM_KEY_ID}}`,
  '',
]);

/** `manage-bde -protectors -get F: -Type RecoveryPassword` on the same volume. */
export const RECORDED_OS_NO_TPM_LOCKED_RECOVERY = crlf([
  'BitLocker Drive Encryption: Configuration Tool version 10.0.19041',
  'Copyright (C) 2013 Microsoft Corporation. All rights reserved.',
  '',
  'Volume F: []',
  'Key Protectors of Type Numerical Password',
  '',
  '    Numerical Password:',
  `      ID: {${RECORDED_OS_NO_TPM_KEY_ID}}`,
  '',
]);
