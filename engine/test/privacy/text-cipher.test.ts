import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { KeyDirectory } from '../../src/privacy/key-directory.js';
import { AesGcmTextCipher } from '../../src/privacy/text-cipher.js';

describe('text cipher with a key per day', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'mm-keys-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  const monday = new Date('2026-03-02T23:59:00Z');
  const tuesday = new Date('2026-03-03T00:01:00Z');

  it('seals each text afresh and opens it again; plain rows from before encryption pass', () => {
    const cipher = new AesGcmTextCipher(new KeyDirectory(dir));
    const a = cipher.seal('Ünïcode and a secret', monday);
    const b = cipher.seal('Ünïcode and a secret', monday);
    expect(a).toMatch(/^mmx1:2026-03-02:/);
    expect(a).not.toBe(b);
    expect(a).not.toContain('secret');
    expect(cipher.open(a)).toBe('Ünïcode and a secret');
    expect(cipher.open('written before encryption')).toBe('written before encryption');
  });

  it('shares keys between engines on one directory', () => {
    const one = new AesGcmTextCipher(new KeyDirectory(dir));
    const two = new AesGcmTextCipher(new KeyDirectory(dir));
    const fromTwo = two.seal('from engine two', tuesday);
    expect(one.open(fromTwo)).toBe('from engine two');
    expect(two.open(one.seal('from engine one', tuesday))).toBe('from engine one');
  });

  it('opens nothing altered: another day claimed, a changed byte, a period that is not a date', () => {
    const cipher = new AesGcmTextCipher(new KeyDirectory(dir));
    cipher.seal('x', tuesday);
    const sealed = cipher.seal('secret', monday);
    expect(cipher.open(sealed.replace('2026-03-02', '2026-03-03'))).toBeNull();
    const body = Buffer.from(sealed.slice(16), 'base64');
    body[body.length - 1]! ^= 1;
    expect(cipher.open(`mmx1:2026-03-02:${body.toString('base64')}`)).toBeNull();
    expect(cipher.open('mmx1:../../etc/p:AAAA')).toBeNull();
    expect(cipher.open('mmx1:2026-03-02:')).toBeNull();
  });

  it('destroys only the keys of days wholly before the cutoff, for every engine on the directory', async () => {
    const one = new AesGcmTextCipher(new KeyDirectory(dir));
    const two = new AesGcmTextCipher(new KeyDirectory(dir));
    const fromMonday = one.seal('monday', monday);
    const fromTuesday = one.seal('tuesday', tuesday);
    expect(two.open(fromMonday)).toBe('monday');
    // The cutoff falls inside Tuesday: Tuesday's texts from before it are erased row by row, its key stays.
    expect(one.shredBefore(new Date('2026-03-03T12:00:00Z'))).toBe(1);
    expect(await readdir(dir)).toEqual(['2026-03-03.key']);
    expect(one.open(fromMonday)).toBeNull();
    expect(one.open(fromTuesday)).toBe('tuesday');
    // Another engine still holds Monday's key in memory until its own retention runs, hourly.
    expect(two.shredBefore(new Date('2026-03-03T12:00:00Z'))).toBe(0);
    expect(two.open(fromMonday)).toBeNull();
    expect(existsSync(path.join(dir, '2026-03-02.key'))).toBe(false);
  });
});
