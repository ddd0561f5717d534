import { DriveWriteError } from '../../../core/drives/write-error.js';
import { say } from '../../../core/drives/write-rules.js';
import { openImageAs, type Invoker, type OpenedImage } from './image-source.js';
import { connectImage, type ImageStreamJob } from './image-stream.js';

export interface JobImageOptions {
  /** The image's path; with `imageStream` it only names the image (for the drive guard and sentences). */
  image: string;
  /** The image as the app hands it over (image-stream.ts): read from there, never opened here. */
  imageStream?: ImageStreamJob;
  /** Whose rights the image is read (or its stream reached) with (see image-source.ts); null: this process's own. */
  readImageAs?: Invoker | null;
}

/** The image a write or verify job reads: handed over by the app, or opened with the asking account's rights. */
export async function openJobImage(options: JobImageOptions): Promise<OpenedImage> {
  if (!options.imageStream) return openImageAs(options.image, options.readImageAs ?? null);
  try {
    return await connectImage(options.imageStream, options.image, options.readImageAs ?? null);
  } catch (error) {
    const detail = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    throw new DriveWriteError('IMAGE_UNREADABLE', say.imageUnreadable(options.image, `the drive writer cannot reach Bootmend, which hands it over: ${detail}`), { cause: error });
  }
}
