/**
 * Loop devices (a file attached as a disk) are offered as drives only when this is set to 1: the
 * loop-device proofs and demos, on a machine with no USB stick. The drive list and the root
 * writer's guard read the same switch, so the writer never takes a loop device the app did not
 * list; otherwise a loop device that backs something (an LXD storage pool, a mounted image) would be
 * unmounted and overwritten by any job that names it. Elevation (pkexec, sudo) drops the
 * environment, so only a writer started without elevation (the app itself is root) sees it.
 */
export const LIST_LOOP_DEVICES_ENV = 'BOOTMEND_LIST_LOOP_DEVICES';

export function loopDevicesListed(env: NodeJS.ProcessEnv = process.env): boolean {
  return env[LIST_LOOP_DEVICES_ENV] === '1';
}
