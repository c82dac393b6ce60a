import fs from 'node:fs/promises';
import os from 'node:os';

/** hnswlib's header: six size_t, maxlevel (int), the entry point (uint32), maxM, maxM0, M (size_t), mult (double), ef_construction (size_t). */
const HEADER_BYTES = 96;
const LITTLE_ENDIAN = os.endianness() === 'LE';

/**
 * Why the graph file hnswlib wrote to `file` is not whole, or null when it is. hnswlib writes through a C++
 * stream whose errors it never checks: on a full disk it ends the file early and reports success. The file's
 * layout (hnswalg.h, saveIndex) is the header, `count` fixed-size level-0 records, then per element a uint32
 * length and that many bytes of upper-level links, so walking the lengths must end exactly at the end of the
 * file. Host byte order, as hnswlib writes it.
 */
export async function hnswFileProblem(file: string, slots: number): Promise<string | null> {
  const handle = await fs.open(file, 'r');
  try {
    const size = (await handle.stat()).size;
    if (size < HEADER_BYTES) return `graph file has ${size} bytes, shorter than its header`;
    const header = Buffer.alloc(HEADER_BYTES);
    await handle.read(header, 0, HEADER_BYTES, 0);
    const size64 = (at: number) => Number(LITTLE_ENDIAN ? header.readBigUInt64LE(at) : header.readBigUInt64BE(at));
    const count = size64(16);
    const perElement = size64(24);
    if (count !== slots) return `graph file holds ${count} elements, the index ${slots}`;
    const linksStart = HEADER_BYTES + count * perElement;
    if (size < linksStart + count * 4) return `graph file has ${size} bytes, its level-0 records need more`;
    const links = Buffer.alloc(size - linksStart);
    const { bytesRead } = await handle.read(links, 0, links.length, linksStart);
    if (bytesRead !== links.length) return 'graph file ended while it was read';
    let at = 0;
    for (let i = 0; i < count; i++) {
      if (at + 4 > links.length) return `graph file ends in the links of element ${i} of ${count}`;
      at += 4 + (LITTLE_ENDIAN ? links.readUInt32LE(at) : links.readUInt32BE(at));
    }
    if (at !== links.length) return `graph file has ${links.length - at} bytes after its last element`;
    return null;
  } finally {
    await handle.close();
  }
}
