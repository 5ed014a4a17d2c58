import crypto, { type KeyObject } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { AuditChainError } from '../errors.js';

/**
 * Who signs chain heads. The private key never enters the database: it is a
 * file outside it, an env value, or a KMS/HSM behind `sign`. `sign` is
 * synchronous because it runs inside the SQLite write transaction that it
 * seals (better-sqlite3 transactions are synchronous).
 */
export interface HeadSigner {
  /** First 16 hex digits of SHA-256 over the raw 32-byte Ed25519 public key. */
  readonly keyId: string;
  /** SubjectPublicKeyInfo PEM of the Ed25519 public key. */
  readonly publicKeyPem: string;
  /** Ed25519 signature (64 bytes) over `message`. */
  sign(message: Buffer): Uint8Array;
}

/** A KMS-style hook: the key stays in the KMS; only the public key and a sign call are exposed. */
export interface KmsSigningHook {
  publicKeyPem: string;
  sign(message: Buffer): Uint8Array;
}

const KEY_FILE_MODE = 0o600;
const KEY_DIR_MODE = 0o700;

/** Raw 32-byte Ed25519 public key from a KeyObject (last 32 bytes of its SPKI DER). */
export function rawPublicKey(key: KeyObject): Buffer {
  const der = key.export({ type: 'spki', format: 'der' });
  return der.subarray(der.length - 32);
}

export function keyIdOf(publicKey: KeyObject): string {
  return crypto.createHash('sha256').update(rawPublicKey(publicKey)).digest('hex').slice(0, 16);
}

/** Parses an Ed25519 public key (SPKI PEM); refuses any other key type. */
export function publicKeyFromPem(pem: string): KeyObject {
  let key: KeyObject;
  try {
    key = crypto.createPublicKey(pem);
  } catch (err) {
    throw new AuditChainError(
      'AUDIT_INVALID_KEY',
      `not a public key in PEM form: ${(err as Error).message}`,
      {
        cause: err,
      },
    );
  }
  if (key.asymmetricKeyType !== 'ed25519') {
    throw new AuditChainError(
      'AUDIT_INVALID_KEY',
      `public key must be Ed25519, not ${key.asymmetricKeyType}`,
    );
  }
  return key;
}

/** A signer over an Ed25519 private key (PKCS#8 PEM text or KeyObject), e.g. from an env variable. */
export function signerFromPrivateKey(privateKey: string | KeyObject): HeadSigner {
  let key: KeyObject;
  try {
    key = typeof privateKey === 'string' ? crypto.createPrivateKey(privateKey) : privateKey;
  } catch (err) {
    throw new AuditChainError(
      'AUDIT_INVALID_KEY',
      `not a private key in PEM form: ${(err as Error).message}`,
      {
        cause: err,
      },
    );
  }
  if (key.type !== 'private' || key.asymmetricKeyType !== 'ed25519') {
    throw new AuditChainError('AUDIT_INVALID_KEY', 'the audit signing key must be an Ed25519 private key');
  }
  const publicKey = crypto.createPublicKey(key);
  return {
    keyId: keyIdOf(publicKey),
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    sign: (message) => crypto.sign(null, message, key),
  };
}

/** Wraps a KMS/HSM hook; the public key is checked to be Ed25519. */
export function signerFromHook(hook: KmsSigningHook): HeadSigner {
  const publicKey = publicKeyFromPem(hook.publicKeyPem);
  return {
    keyId: keyIdOf(publicKey),
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    sign: (message) => hook.sign(message),
  };
}

/** A fresh Ed25519 private key as PKCS#8 PEM. */
export function generateSigningKeyPem(): string {
  const { privateKey } = crypto.generateKeyPairSync('ed25519');
  return privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
}

/**
 * Loads the signing key file, creating it (mode 0600, directory 0700,
 * exclusive create, symlinks refused) on first use. An existing file that
 * group or others can read is refused: a key anyone can read signs nothing.
 */
export function loadOrCreateKeyFile(file: string): HeadSigner {
  if (typeof file !== 'string' || file === '' || file.includes('\0')) {
    throw new AuditChainError('AUDIT_INVALID_PATH', 'signing key path must be a non-empty string');
  }
  if (!fs.existsSync(file)) writeKeyFile(file, generateSigningKeyPem());
  return signerFromPrivateKey(readKeyFile(file));
}

/** Writes a new key file exclusively (never overwrites); returns its path. */
export function writeKeyFile(file: string, pem: string): string {
  const dir = path.dirname(path.resolve(file));
  fs.mkdirSync(dir, { recursive: true, mode: KEY_DIR_MODE });
  const { O_CREAT, O_EXCL, O_WRONLY, O_NOFOLLOW } = fs.constants;
  let fd: number;
  try {
    fd = fs.openSync(file, O_CREAT | O_EXCL | O_WRONLY | (O_NOFOLLOW ?? 0), KEY_FILE_MODE);
  } catch (err) {
    throw new AuditChainError(
      'AUDIT_INVALID_PATH',
      `cannot create signing key ${file}: ${(err as Error).message}`,
      {
        cause: err,
      },
    );
  }
  try {
    fs.fchmodSync(fd, KEY_FILE_MODE); // umask cannot widen it, but a umask of 0 must not either
    fs.writeSync(fd, pem);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  return file;
}

function readKeyFile(file: string): string {
  const st = fs.lstatSync(file);
  if (st.isSymbolicLink() || !st.isFile()) {
    throw new AuditChainError('AUDIT_INVALID_PATH', `signing key ${file} must be a regular file, not a link`);
  }
  if ((st.mode & 0o077) !== 0) {
    throw new AuditChainError(
      'AUDIT_INVALID_KEY',
      `signing key ${file} is readable by group or others (mode ${(st.mode & 0o777).toString(8)}); chmod 600 it`,
    );
  }
  return fs.readFileSync(file, 'utf8');
}
