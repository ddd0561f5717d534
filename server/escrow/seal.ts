import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';

/**
 * Recovery passwords at rest: AES-256-GCM under the server's master key, a fresh 96-bit nonce
 * each, the key ID as associated data (a sealed password copied onto another key's row does
 * not open). Stored as `v1.<nonce>.<tag>.<ciphertext>` in base64url.
 */

export class MasterKey {
  private constructor(private readonly key: Buffer) {}

  /** 32 bytes, as base64 or hex text (a trailing newline is fine) or raw. */
  static fromBytes(bytes: Buffer, where: string): MasterKey {
    const text = bytes.toString('utf8').trim();
    const candidates = [/^[0-9a-fA-F]{64}$/.test(text) ? Buffer.from(text, 'hex') : null, Buffer.from(text, 'base64'), bytes];
    const key = candidates.find((c) => c !== null && c.length === 32);
    if (!key) throw new Error(`The master key in ${where} is not 32 bytes (as base64, hex or raw); make one with: head -c 32 /dev/urandom | base64 > master.key`);
    return new MasterKey(Buffer.from(key));
  }

  /** `--master-key-file`, else BOOTMEND_MASTER_KEY_FILE, else BOOTMEND_MASTER_KEY (base64 or hex); null when none is given. */
  static fromConfig(file: string | undefined, env: NodeJS.ProcessEnv): MasterKey | null {
    const path = file ?? env.BOOTMEND_MASTER_KEY_FILE;
    if (path) {
      let bytes: Buffer;
      try {
        bytes = readFileSync(path);
      } catch (error) {
        throw new Error(`The master key file ${path} cannot be read: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, { cause: error });
      }
      return MasterKey.fromBytes(bytes, path);
    }
    if (env.BOOTMEND_MASTER_KEY) return MasterKey.fromBytes(Buffer.from(env.BOOTMEND_MASTER_KEY, 'utf8'), 'BOOTMEND_MASTER_KEY');
    return null;
  }

  seal(password: string, keyId: string): string {
    const nonce = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, nonce);
    cipher.setAAD(Buffer.from(keyId, 'utf8'));
    const body = Buffer.concat([cipher.update(password, 'utf8'), cipher.final()]);
    return ['v1', nonce.toString('base64url'), cipher.getAuthTag().toString('base64url'), body.toString('base64url')].join('.');
  }

  open(sealed: string, keyId: string): string {
    const [version, nonce, tag, body] = sealed.split('.');
    if (version !== 'v1' || !nonce || !tag || body === undefined) throw new Error('A stored recovery password has an unknown format.');
    const decipher = createDecipheriv('aes-256-gcm', this.key, Buffer.from(nonce, 'base64url'));
    decipher.setAAD(Buffer.from(keyId, 'utf8'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
  }
}
