/*
 * Names of the writer's private channel, apart from protocol.ts: the writing engine reaches the
 * image channel (image-stream.ts) through these, and must not load zod at start (main/engine-start.test.ts).
 */

/**
 * A job's private folder, made with mkdtemp(<tmp>/<prefix>), 0700. It holds the file channel's
 * three files (sudo-prompt cannot pipe stdio) and the image's socket; the elevated writer opens
 * nothing else by these names.
 */
export const CHANNEL_FOLDER_PREFIX = 'bootmend-writer-';
export const CHANNEL_FILES = { job: 'job.json', out: 'out.ndjson', cancel: 'cancel' } as const;
