/**
 * What boot.wim runs at start, written into X:\Windows\System32 of the work copy:
 *
 *   bootmend.cmd   the launcher: finds the stick (its letter differs from PC to PC), loads the
 *                  drivers under \bootmend\drivers with drvload, runs fix.cmd, and afterwards says
 *                  what to do when no drive held the playbook's folder (a missing storage driver).
 *   startnet.cmd   stock WinPE runs it (winpeshl.exe's default when there is no winpeshl.ini):
 *                  wpeinit, then the launcher.
 *   winpeshl.ini   only where the base has one (Winre.wim starts the recovery screens with it):
 *                  winpeshl.exe then ignores startnet.cmd, so ours runs wpeinit and the launcher.
 *
 * Microsoft: "Winpeshl.ini" (https://learn.microsoft.com/windows-hardware/manufacture/desktop/winpeshlini-reference-launching-an-app-when-winpe-starts),
 * "Drvload command-line options" (https://learn.microsoft.com/windows-hardware/manufacture/desktop/drvload-command-line-options).
 */
export { DRIVERS_FOLDER } from '../../payload/medium-marker.js';
export const LAUNCHER_NAME = 'bootmend.cmd';

const LETTERS = 'C D E F G H I J K L M N O P Q R S T U V W Y Z';

/** Folder text that may stand in a cmd line between double quotes as it is (no % ^ ! " & < > |). */
const SAFE_FOLDER = /^[A-Za-z0-9 ._\-\\()]+$/;

/**
 * The launcher. `targetDirs` are the playbook's folders relative to a volume (\Windows\...);
 * only folders made of plain characters are checked afterwards, so no playbook text can
 * become a command here.
 */
export function launcherCmd(targetDirs: readonly string[]): string {
  const dirs = [...new Set(targetDirs)].filter((dir) => SAFE_FOLDER.test(dir) && dir.startsWith('\\'));
  const lines = [
    '@echo off',
    'echo Bootmend: looking for the recovery stick...',
    'set BM_STICK=',
    `for %%D in (${LETTERS}) do if not defined BM_STICK if exist %%D:\\bootmend\\fix.cmd set BM_STICK=%%D:`,
    'if not defined BM_STICK goto bm_no_stick',
    // Storage drivers first: stock WinPE cannot see NVMe behind Intel VMD/RST or a RAID controller.
    'if exist %BM_STICK%\\bootmend\\drivers\\ call :bm_drivers',
    '%BM_STICK%',
    'cd \\bootmend',
    'set BM_FIX_NO_WINDOWS=',
    'call %BM_STICK%\\bootmend\\fix.cmd',
    ...(dirs.length > 0 ? ['call :bm_check_volumes'] : []),
    'goto :eof',
    '',
    ':bm_no_stick',
    'echo Bootmend could not find \\bootmend\\fix.cmd on any drive. Plug the stick in and type: %SystemRoot%\\System32\\bootmend.cmd',
    'goto :eof',
    '',
    ':bm_drivers',
    'echo Bootmend: loading the drivers in %BM_STICK%\\bootmend\\drivers ...',
    'for /r %BM_STICK%\\bootmend\\drivers %%I in (*.inf) do drvload "%%I"',
    'exit /b 0',
  ];
  if (dirs.length > 0) {
    lines.push(
      '',
      ':bm_check_volumes',
      'set BM_SEEN=',
      ...dirs.map((dir) => `for %%D in (${LETTERS}) do if exist "%%D:${dir}\\" set BM_SEEN=1`),
      'if defined BM_SEEN exit /b 0',
      // fix.cmd has already given the storage-driver advice (it saw no Windows drive at all).
      'if "%BM_FIX_NO_WINDOWS%"=="1" exit /b 0',
      'echo.',
      `echo Bootmend: no drive that this WinPE can read holds ${dirs.join(' or ')}.`,
      'echo If fix.cmd listed no Windows drive at all, a storage driver may be missing: WinPE cannot',
      'echo see disks behind Intel VMD/RST (many NVMe laptops) or a RAID controller without one.',
      'echo  - Add the driver: copy the PC maker\'s storage driver folder (the .inf and its files)',
      'echo    into \\bootmend\\drivers on this stick, or build the stick again with',
      'echo    "bootmend media build --drivers DIR", then start the PC from the stick again.',
      "echo  - Or use the PC's own Windows Recovery (WinRE), which has the PC's drivers: on the blue",
      'echo    screen choose Troubleshoot, Advanced options, Command Prompt and run',
      'echo    \\bootmend\\fix.cmd from the stick there.',
      'echo If the drive is locked by BitLocker and was skipped, run fix.cmd again and unlock it.',
      'exit /b 0',
    );
  }
  return `${lines.join('\r\n')}\r\n`;
}

export const STARTNET_CMD = ['@echo off', 'wpeinit', `call %SystemRoot%\\System32\\${LAUNCHER_NAME}`, ''].join('\r\n');

/** [LaunchApps] runs each line in turn and waits for it; cmd /k keeps a prompt open after fix.cmd (WinPE restarts when the last app ends). */
export const WINPESHL_INI = ['[LaunchApps]', '%SYSTEMROOT%\\System32\\wpeinit.exe', `%SYSTEMROOT%\\System32\\cmd.exe, /k %SYSTEMROOT%\\System32\\${LAUNCHER_NAME}`, ''].join('\r\n');
