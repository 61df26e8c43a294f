import { randomBytes } from 'crypto';
import { promises as fsp } from 'fs';
import * as path from 'path';

/**
 * Writes a file atomically: the bytes go to a temporary file in the same directory (so that the
 * rename cannot cross file systems), which is flushed to disk and then renamed over `target`.
 * A reader sees the old file or the new one, never a part of it. On failure the temporary file
 * is removed and the target is left as it was.
 */
export async function writeFileAtomic(target: string, bytes: Uint8Array): Promise<void> {
  const dir = path.dirname(path.resolve(target));
  const tmp = path.join(dir, `.${path.basename(target)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  let handle: fsp.FileHandle | undefined;
  try {
    // 'wx': never follow or clobber something that is already there under that name.
    handle = await fsp.open(tmp, 'wx', 0o666);
    // Replacing a file keeps its permissions.
    const mode = await fsp.stat(target).then(
      (st) => st.mode & 0o777,
      () => undefined,
    );
    if (mode !== undefined) await handle.chmod(mode);
    await handle.writeFile(bytes);
    await handle.sync();
    await handle.close();
    handle = undefined;
    await fsp.rename(tmp, target);
  } catch (err) {
    if (handle) await handle.close().catch(() => undefined);
    await fsp.rm(tmp, { force: true }).catch(() => undefined);
    throw err;
  }
  // Make the rename itself durable where the platform allows fsync on a directory.
  try {
    const d = await fsp.open(dir, 'r');
    try {
      await d.sync();
    } finally {
      await d.close();
    }
  } catch {
    // Not supported here (Windows): the file itself is already on disk.
  }
}
