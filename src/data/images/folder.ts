// Image folders as users have them: every PNG/JPEG/WebP under a folder (recursively, sorted by
// relative path), optionally labelled by first-level sub-folder (torchvision's ImageFolder).
import { readdirSync, statSync } from 'node:fs';
import { extname, join, relative, sep } from 'node:path';
import { InputError } from '../../errors.js';
import type { Entry } from './set.js';

const IMAGE_EXT = new Set(['.png', '.jpg', '.jpeg', '.webp']);
export const IMAGE_KINDS = '.png, .jpg, .jpeg or .webp';

function walk(dir: string, root: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new InputError(`image folder ${dir} cannot be read${code === 'ENOENT' ? ': no such folder' : `: ${(e as Error).message}`}`, { cause: e });
  }
  return names.flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return walk(p, root);
    return IMAGE_EXT.has(extname(name).toLowerCase()) ? [relative(root, p).split(sep).join('/')] : [];
  });
}

/** The relative paths ("/"-separated) of every image under dir, sorted; an empty folder is refused. */
export function listImages(dir: string): string[] {
  const names = walk(dir, dir).sort();
  if (names.length === 0) throw new InputError(`image folder ${dir} holds no ${IMAGE_KINDS} files`);
  return names;
}

/** Class names (sorted) and each image's class index from its first-level sub-folder. */
export function folderLabels(dir: string, names: string[]): { classNames: string[]; labels: number[] } {
  const loose = names.find((n) => !n.includes('/'));
  if (loose !== undefined) throw new InputError(`image ${join(dir, loose)} is not in a sub-folder: data.labels "folders" takes one sub-folder of ${dir} per class`);
  const classOf = names.map((n) => n.slice(0, n.indexOf('/')));
  const classNames = [...new Set(classOf)].sort();
  return { classNames, labels: classOf.map((c) => classNames.indexOf(c)) };
}

/** Every image under dir, as entries to decode, labelled by sub-folder if asked. */
export function folderEntries(dir: string, labels: 'none' | 'folders'): { entries: Entry[]; classNames?: string[] } {
  const names = listImages(dir);
  const entries: Entry[] = names.map((name) => ({ file: join(dir, name), name }));
  if (labels !== 'folders') return { entries };
  const found = folderLabels(dir, names);
  entries.forEach((e, i) => (e.label = found.labels[i]));
  return { entries, classNames: found.classNames };
}
