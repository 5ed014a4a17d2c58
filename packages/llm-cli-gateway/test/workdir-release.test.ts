import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { prepareWorkDir } from '../src/executor/workdir.js';
import { waitFor } from './helpers/env.js';

describe('temp working dir release', () => {
  it('removes an empty temp dir at once', () => {
    const wd = prepareWorkDir(undefined);
    wd.release();
    expect(existsSync(wd.path)).toBe(false);
  });

  it('removes a temp dir the CLI left files and directories in', async () => {
    const wd = prepareWorkDir(undefined);
    mkdirSync(join(wd.path, 'nested', 'deeper'), { recursive: true });
    writeFileSync(join(wd.path, 'nested', 'deeper', 'left.txt'), 'x');
    writeFileSync(join(wd.path, 'top.txt'), 'y');
    wd.release();
    expect(await waitFor(() => !existsSync(wd.path))).toBe(true);
  });
});
