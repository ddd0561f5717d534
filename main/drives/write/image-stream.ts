import { randomBytes } from 'node:crypto';
import { lstatSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { asInvoker, openImageAs, type ImageSource, type Invoker, type OpenedImage } from './image-source.js';
import { CHANNEL_FOLDER_PREFIX } from './channel-names.js';

/*
 * The image handed to the elevated writer by the app that asked, so the writer never opens a
 * user's path with its own rights. Needed on Windows, where the UAC-elevated writer is the same
 * account with an administrator's token and no "drop back to the user" exists in Node: opened
 * by the writer, a path the user may not read (an administrators-only file) would be read and
 * copied onto a stick. The unelevated app opens the image and answers the writer's reads over a
 * local channel: a named pipe with an unguessable name on Windows, a socket in the writer's
 * private 0700 folder elsewhere. The app is the pipe's server, not the writer: a pipe made by an
 * elevated process is read-only to the user by default, while the user's own pipe is open to the
 * same account elevated; and a medium-integrity server cannot impersonate its high-integrity client.
 *
 * The writer keeps random access (the read-back looks up the first differing byte in the image):
 *   writer -> app, 16 bytes: request id (u32), length (u32), position (u64), little-endian;
 *   app -> writer, 9 bytes:  request id (u32), n (u32), status (u8: 0 data, 1 error), then n
 *                            bytes of image (fewer than asked only at its end) or an error sentence.
 * Requests may overlap; answers come in any order.
 */

export interface ImageStreamJob {
  /** Where the app answers: `\\.\pipe\bootmend-image-<32 hex>` on Windows, `<channel folder>/image.sock` elsewhere. */
  endpoint: string;
  /** The image's length as the app measured it (0 for a block device, as stat reports). */
  bytes: number;
}

export const IMAGE_SOCKET = 'image.sock';
const PIPE_NAME = /^\\\\\.\\pipe\\bootmend-image-[0-9a-f]{32}$/;
const REQUEST_BYTES = 16;
const ANSWER_HEADER_BYTES = 9;
/** Twice the engine's default chunk: a larger ask is not from the writer. */
export const MAX_IMAGE_READ = 16 << 20;

/** Where the app will serve the image for one job; `folder` is that job's private 0700 folder. */
export function imageEndpoint(folder: string, platform: NodeJS.Platform = process.platform): string {
  return platform === 'win32' ? `\\\\.\\pipe\\bootmend-image-${randomBytes(16).toString('hex')}` : path.join(folder, IMAGE_SOCKET);
}

export interface ServedImage {
  endpoint: string;
  bytes: number;
  /** The image's path with links resolved, as the app sees it: for the drive guard and for sentences, never opened by the writer. */
  path: string;
  close(): Promise<void>;
}

/**
 * The app's side: opens the image with the app's own (unelevated) rights, then answers the first
 * connection's reads; the listener closes once the writer is connected, so nobody else gets in.
 * Throws the writer's own sentences (missing, unreadable) before anyone is asked to elevate.
 */
export async function serveImage(image: string, endpoint: string): Promise<ServedImage> {
  const opened = openImageAs(image, null);
  const server = net.createServer();
  const clients = new Set<net.Socket>();
  server.on('connection', (socket) => {
    if (clients.size > 0) return void socket.destroy();
    clients.add(socket);
    server.close(); // also removes the socket file
    answerReads(socket, opened);
  });
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(endpoint, () => {
        server.off('error', reject);
        server.on('error', () => undefined); // after listening, a failed accept only means the writer never connects: it says so itself
        resolve();
      });
    });
  } catch (error) {
    await opened.source.close();
    throw error;
  }
  return {
    endpoint,
    bytes: opened.bytes,
    path: opened.path,
    close: async () => {
      for (const socket of clients) socket.destroy();
      if (server.listening) await new Promise((resolve) => server.close(resolve));
      await opened.source.close();
    },
  };
}

function answerReads(socket: net.Socket, image: OpenedImage): void {
  let pending: Buffer = Buffer.alloc(0);
  socket.on('error', () => socket.destroy());
  socket.on('data', (data: Buffer) => {
    pending = pending.length === 0 ? data : Buffer.concat([pending, data]);
    while (pending.length >= REQUEST_BYTES) {
      const id = pending.readUInt32LE(0);
      const length = pending.readUInt32LE(4);
      const position = Number(pending.readBigUInt64LE(8));
      pending = pending.subarray(REQUEST_BYTES);
      void answerOne(socket, image, id, length, position);
    }
  });
}

async function answerOne(socket: net.Socket, image: OpenedImage, id: number, length: number, position: number): Promise<void> {
  const answer = (status: 0 | 1, body: Buffer): void => {
    const header = Buffer.alloc(ANSWER_HEADER_BYTES);
    header.writeUInt32LE(id, 0);
    header.writeUInt32LE(body.length, 4);
    header.writeUInt8(status, 8);
    if (socket.destroyed) return;
    socket.write(header);
    socket.write(body);
  };
  if (length > MAX_IMAGE_READ || !Number.isSafeInteger(position)) return answer(1, Buffer.from(`a read of ${length} bytes at ${position} is not one the drive writer makes`));
  const buffer = Buffer.allocUnsafe(length);
  try {
    let done = 0;
    while (done < length) {
      const { bytesRead } = await image.source.read(buffer, done, length - done, position + done);
      if (bytesRead === 0) break;
      done += bytesRead;
    }
    answer(0, buffer.subarray(0, done));
  } catch (error) {
    answer(1, Buffer.from((error as NodeJS.ErrnoException).code ?? (error as Error).message ?? String(error)));
  }
}

/**
 * Refuses an endpoint the app could not have made: a named pipe of another name on Windows;
 * elsewhere anything but `image.sock` in a `bootmend-writer-…` folder, or something other than a
 * socket there. (The connect itself is made with the asking account's rights, see connectImage.)
 */
export function endpointProblem(endpoint: string, platform: NodeJS.Platform = process.platform): string | null {
  if (platform === 'win32') return PIPE_NAME.test(endpoint) ? null : `${endpoint} is not a Bootmend image pipe`;
  if (path.basename(endpoint) !== IMAGE_SOCKET || !path.basename(path.dirname(endpoint)).startsWith(CHANNEL_FOLDER_PREFIX)) {
    return `${endpoint} is not ${IMAGE_SOCKET} in a ${CHANNEL_FOLDER_PREFIX}… folder`;
  }
  try {
    return lstatSync(endpoint).isSocket() ? null : `${endpoint} is not a socket`;
  } catch (error) {
    return `${endpoint} cannot be reached (${(error as NodeJS.ErrnoException).code ?? String(error)})`;
  }
}

interface Waiting {
  buffer: Buffer;
  offset: number;
  length: number;
  resolve(read: { bytesRead: number }): void;
  reject(error: Error): void;
}

/**
 * The writer's side: an image source whose reads are answered by the app; `imagePath` is the path the
 * app resolved, kept for the drive guard and for sentences only. On POSIX the socket is
 * connected with `connectAs`'s rights (a socket the asking account may not open is not reached
 * through a link planted in its folder); libuv makes the connect call at once, inside asInvoker.
 */
export async function connectImage(stream: ImageStreamJob, imagePath: string, connectAs: Invoker | null): Promise<OpenedImage> {
  const problem = endpointProblem(stream.endpoint);
  if (problem) throw new Error(problem);
  let image: StreamedImage | null = null;
  // One reused 4 MiB read buffer: with Node's default 64 KiB reads the channel carried less than half as much (1.24 s against 0.52 s for 64 MiB).
  const onread = {
    buffer: Buffer.allocUnsafe(4 << 20),
    callback: (size: number, buffer: Uint8Array): boolean => {
      image?.take(Buffer.from(buffer.buffer, buffer.byteOffset, size));
      return true;
    },
  };
  const socket = asInvoker(connectAs, () => net.connect({ path: stream.endpoint, onread }));
  image = new StreamedImage(socket);
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => {
      socket.off('error', reject);
      resolve();
    });
    socket.once('error', reject);
  });
  return { source: image, bytes: stream.bytes, path: imagePath };
}

class StreamedImage implements ImageSource {
  private nextId = 1;
  private readonly waiting = new Map<number, Waiting>();
  private header: Buffer = Buffer.alloc(0);
  private body: { id: number; left: number; status: number; got: number; message: Buffer[] } | null = null;
  private broken: Error | null = null;

  constructor(private readonly socket: net.Socket) {
    socket.on('error', (error) => this.fail(new Error(`the app stopped handing it to the drive writer: ${(error as NodeJS.ErrnoException).code ?? error.message}`)));
    socket.on('close', () => this.fail(new Error('the app stopped handing it to the drive writer: it was closed or stopped responding')));
  }

  read(buffer: Buffer, offset: number, length: number, position: number): Promise<{ bytesRead: number }> {
    if (this.broken) return Promise.reject(this.broken);
    if (length === 0) return Promise.resolve({ bytesRead: 0 });
    return new Promise((resolve, reject) => {
      const id = this.nextId;
      this.nextId = this.nextId === 0xffffffff ? 1 : this.nextId + 1;
      const wanted = Math.min(length, MAX_IMAGE_READ);
      this.waiting.set(id, { buffer, offset, length: wanted, resolve, reject });
      const request = Buffer.alloc(REQUEST_BYTES);
      request.writeUInt32LE(id, 0);
      request.writeUInt32LE(wanted, 4);
      request.writeBigUInt64LE(BigInt(position), 8);
      this.socket.write(request);
    });
  }

  async close(): Promise<void> {
    this.broken ??= new Error('closed');
    this.socket.destroy();
  }

  /** Takes what arrived; `data` is only valid during this call (the read buffer is reused), so it is copied out. */
  take(data: Buffer): void {
    let rest = data;
    while (rest.length > 0 && !this.broken) {
      if (!this.body) {
        const need = ANSWER_HEADER_BYTES - this.header.length;
        this.header = Buffer.concat([this.header, rest.subarray(0, need)]);
        rest = rest.subarray(need);
        if (this.header.length < ANSWER_HEADER_BYTES) return;
        const id = this.header.readUInt32LE(0);
        const left = this.header.readUInt32LE(4);
        const status = this.header.readUInt8(8);
        this.header = Buffer.alloc(0);
        const waiting = this.waiting.get(id);
        if (!waiting || (status === 0 && left > waiting.length)) return this.fail(new Error('the app answered a read the drive writer did not make'));
        this.body = { id, left, status, got: 0, message: [] };
      }
      const body = this.body;
      const piece = rest.subarray(0, body.left);
      rest = rest.subarray(piece.length);
      const waiting = this.waiting.get(body.id)!;
      if (body.status === 0) piece.copy(waiting.buffer, waiting.offset + body.got);
      else body.message.push(Buffer.from(piece));
      body.got += piece.length;
      body.left -= piece.length;
      if (body.left > 0) return;
      this.body = null;
      this.waiting.delete(body.id);
      if (body.status === 0) waiting.resolve({ bytesRead: body.got });
      else waiting.reject(new Error(Buffer.concat(body.message).toString('utf8')));
    }
  }

  private fail(error: Error): void {
    this.broken ??= error;
    for (const waiting of this.waiting.values()) waiting.reject(this.broken);
    this.waiting.clear();
    this.socket.destroy();
  }
}
