import fs from 'node:fs';
import path from 'node:path';
import { PolicyError } from 'closegate-policy';
import { DEFAULT_DB_PATH, defaultPolicyPath } from '../config.js';
import { EngineError } from '../errors.js';
import type { CliIo } from './io.js';

/**
 * The database and policy paths with the setting each came from, checked before
 * anything opens them: a bad value is reported under the name the user typed
 * (`--policy /x.yaml: ...`, `CLOSEGATE_POLICY=/x.yaml: ...`), never as a bare ENOENT.
 */

/** A flag or environment variable whose value cannot be used. Code BAD_SETTING. */
export class SettingError extends EngineError {
  constructor(
    readonly setting: string,
    message: string,
  ) {
    super('BAD_SETTING', message, { setting });
    this.name = 'SettingError';
  }
}

interface Resolved {
  /** Absolute path. */
  path: string;
  /** How the user wrote it (`--db x`, `CLOSEGATE_DB=x`), or null for the built-in default. */
  label: string | null;
  setting: string;
}

function resolve(flagName: string, envName: string, flag: string | undefined, io: CliIo, dflt: () => string) {
  const fromEnv = io.env[envName];
  if (flag !== undefined)
    return { path: path.resolve(io.cwd, flag), label: `--${flagName} ${flag}`, setting: `--${flagName}` };
  if (fromEnv !== undefined && fromEnv !== '')
    return { path: path.resolve(io.cwd, fromEnv), label: `${envName}=${fromEnv}`, setting: envName };
  return { path: path.resolve(io.cwd, dflt()), label: null, setting: `--${flagName}` };
}

function fail(r: Resolved, problem: string): never {
  throw new SettingError(r.setting, `${r.label ?? `default ${r.path}`}: ${problem}`);
}

/** The policy file from --policy, CLOSEGATE_POLICY or the example policy; it must be a readable file. */
export function policyPathOf(flag: string | undefined, io: CliIo): string {
  const r = resolve('policy', 'CLOSEGATE_POLICY', flag, io, defaultPolicyPath);
  let stat;
  try {
    stat = fs.statSync(r.path);
  } catch {
    fail(r, 'no such file');
  }
  if (stat.isDirectory()) fail(r, 'is a directory, not a policy file');
  try {
    fs.accessSync(r.path, fs.constants.R_OK);
  } catch {
    fail(r, 'cannot be read (permission denied)');
  }
  return r.path;
}

function dbSetting(flag: string | undefined, io: CliIo): Resolved {
  return resolve('db', 'CLOSEGATE_DB', flag, io, () => DEFAULT_DB_PATH);
}

/** A database that must already exist (every command but demo and books init). */
export function existingDbPathOf(flag: string | undefined, io: CliIo): string {
  const r = dbSetting(flag, io);
  const dir = path.dirname(r.path);
  if (!fs.existsSync(dir)) fail(r, `directory ${dir} does not exist`);
  if (!fs.existsSync(r.path))
    fail(r, "no such database; create one with 'closegate-engine demo' or 'closegate-engine books init'");
  if (fs.statSync(r.path).isDirectory()) fail(r, 'is a directory, not a database file');
  return r.path;
}

/**
 * A database that may be created. Its own folder is created when missing (as for the
 * default ./.closegate/recon.db), but not a chain of them: a typo in a path fails here
 * instead of leaving a new directory tree behind.
 */
export function creatableDbPathOf(flag: string | undefined, io: CliIo): string {
  const r = dbSetting(flag, io);
  const dir = path.dirname(r.path);
  const parent = path.dirname(dir);
  if (!fs.existsSync(dir) && !fs.existsSync(parent)) fail(r, `directory ${parent} does not exist`);
  if (fs.existsSync(dir) && !fs.statSync(dir).isDirectory()) fail(r, `${dir} is not a directory`);
  if (fs.existsSync(r.path) && fs.statSync(r.path).isDirectory())
    fail(r, 'is a directory, not a database file');
  return r.path;
}

/** Runs `open`, naming the policy setting when the file is not a valid policy. */
export function withPolicyNamed<T>(flag: string | undefined, io: CliIo, open: () => T): T {
  try {
    return open();
  } catch (err) {
    if (!(err instanceof PolicyError)) throw err;
    const r = resolve('policy', 'CLOSEGATE_POLICY', flag, io, defaultPolicyPath);
    fail(r, `invalid policy: ${err.message}`);
  }
}
