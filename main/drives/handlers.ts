import { stat } from 'node:fs/promises';
import type { HandlersOf } from '../../core/api/dispatcher.js';
import type { drivesContract } from '../../core/drives/contract.js';
import type { WriteProgress } from '../../core/drives/write.js';
import { toProgressEvent } from '../../core/drives/write-rules.js';
import { resolveDriveName } from './drive-name.js';
import { listDrives } from './list.js';
import { loopDevicesListed } from './loop-devices.js';
import { runDriveJob } from './write/run-job.js';

export { LIST_LOOP_DEVICES_ENV } from './loop-devices.js';

export function drivesHandlers(): HandlersOf<typeof drivesContract> {
  return {
    listDrives: async ({ includeUsbHdd, imagePath }) => {
      const imageSize = imagePath ? await stat(imagePath).then((info) => info.size, () => undefined) : undefined;
      const drives = await listDrives({
        ...(includeUsbHdd !== undefined ? { includeUsbHdd } : {}),
        // Loop devices stand in for USB sticks in the loop-device proofs and demos.
        ...(loopDevicesListed() ? { includeLoop: true } : {}),
        ...(imagePath ? { imagePath } : {}),
        ...(imageSize !== undefined ? { imageSize } : {}),
      });
      return { drives };
    },
    writeDrives: async (request, ctx) => {
      const verify = request.verify ?? true;
      const guard = {
        ...(request.includeUsbHdd !== undefined ? { includeUsbHdd: request.includeUsbHdd } : {}),
        ...(request.confirm !== undefined ? { confirm: request.confirm } : {}),
      };
      const onProgress = (p: WriteProgress): void => ctx.progress({ ...toProgressEvent(p, verify), drives: p.drives });
      const targets = await Promise.all(request.drives.map(resolveDriveName));
      return runDriveJob({ kind: 'write', image: request.image, targets, verify, guard }, { signal: ctx.signal, onProgress });
    },
    verifyDrive: async ({ image, drive }, ctx) => {
      const onProgress = (p: WriteProgress): void => ctx.progress({ ...toProgressEvent(p, false), drives: p.drives });
      return runDriveJob({ kind: 'verify', image, target: await resolveDriveName(drive) }, { signal: ctx.signal, onProgress });
    },
  };
}
