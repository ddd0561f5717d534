import type { ReactElement, Ref } from 'react';
import { formatBytes } from '../../../core/progress.js';
import { useClient } from '../../state/client.js';
import { messageAt } from '../../state/errors.js';
import { useDrives } from './store.js';
import { PathField } from '../media/fields.js';

/** The image to write: the medium just built, or any ISO / USB image typed by path. */
export function ImageField({ inputRef }: { inputRef: Ref<HTMLInputElement> }): ReactElement {
  const client = useClient();
  const image = useDrives((s) => s.image);
  const imageBytes = useDrives((s) => s.imageBytes);
  const failure = useDrives((s) => s.failure);
  const error = messageAt(failure, 'image');
  // A new path changes which drive holds it and which are too small: list again once typing is done.
  const relist = (): void => {
    const listed = useDrives.getState().list.listedFor;
    if (listed?.image !== useDrives.getState().image.trim()) void useDrives.getState().refresh(client);
  };
  return (
    <div onBlur={relist}>
      <PathField
        id="drive-image"
        label="Image file"
        hint={
          imageBytes !== null ? (
            <>The medium just built ({formatBytes(imageBytes)}). Any ISO or USB image file on this computer works too.</>
          ) : (
            <>An ISO or USB image file on this computer, e.g. one Bootmend built earlier.</>
          )
        }
        value={image}
        error={error}
        placeholder="/home/technician/bootmend/media/crowdstrike-cf291-1.0.0.img"
        inputRef={inputRef}
        onChange={(value) => useDrives.getState().setImage(value)}
        onEnter={relist}
      />
    </div>
  );
}
