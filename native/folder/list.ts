import fs from 'node:fs';
import path from 'node:path';
import { isImageName } from './image-file';
import { naturalCompare } from './natural-order';

/** Image files of a folder (not its subfolders) in natural name order; hidden files left out. */
export function listImageFiles(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isFile() && !e.name.startsWith('.') && isImageName(e.name))
    .map((e) => e.name)
    .sort(naturalCompare)
    .map((name) => path.join(dir, name));
}
