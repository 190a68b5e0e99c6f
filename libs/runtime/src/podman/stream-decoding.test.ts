// Decoding podman's streamed answers: JSON lines, multiplexed frames, log lines with timestamps.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { framesToLogLines, readFrames, readJsonLines } from './stream-decoding.js';
import type { Frame } from './stream-decoding.js';

async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const items: T[] = [];
  for await (const item of iterable) items.push(item);
  return items;
}

async function* chunksOf(...chunks: (string | Uint8Array)[]): AsyncGenerator<Uint8Array> {
  for (const chunk of chunks) yield typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
}

function frame(streamType: number, text: string): Buffer {
  const payload = Buffer.from(text);
  const header = Buffer.alloc(8);
  header[0] = streamType;
  header.writeUInt32BE(payload.length, 4);
  return Buffer.concat([header, payload]);
}

async function* framesFrom(...frames: Frame[]): AsyncGenerator<Frame> {
  yield* frames;
}
const out = (text: string): Frame => ({ streamType: 1, payload: Buffer.from(text) });
const err = (text: string): Frame => ({ streamType: 2, payload: Buffer.from(text) });

describe('readJsonLines', () => {
  it('parses objects split across chunks and several in one chunk', async () => {
    const items = await collect(readJsonLines(chunksOf('{"a":1}\n{"b"', ':2}\n\n{"c":3}')));
    expect(items).toEqual([{ a: 1 }, { b: 2 }, { c: 3 }]);
  });

  it('fails on a line that is not JSON', async () => {
    await expect(collect(readJsonLines(chunksOf('not json\n')))).rejects.toThrow(SyntaxError);
  });
});

describe('readFrames', () => {
  it('splits the 8-byte-header format into frames with their stream type', async () => {
    const frames = await collect(readFrames(chunksOf(Buffer.concat([frame(1, 'out\n'), frame(2, 'err\n')]))));
    expect(frames.map((f) => [f.streamType, f.payload.toString()])).toEqual([
      [1, 'out\n'],
      [2, 'err\n'],
    ]);
  });

  it('fails when the stream ends inside a frame', async () => {
    await expect(collect(readFrames(chunksOf(frame(1, 'truncated').subarray(0, 10))))).rejects.toThrow(
      /ended inside a frame/,
    );
  });

  it('gives the same frames however the bytes are chunked', async () => {
    const texts = fc.array(fc.tuple(fc.constantFrom(1, 2), fc.string({ maxLength: 40 })), { maxLength: 8 });
    await fc.assert(
      fc.asyncProperty(texts, fc.array(fc.nat({ max: 400 }), { maxLength: 6 }), async (sent, cuts) => {
        const bytes = Buffer.concat(sent.map(([type, text]) => frame(type, text)));
        const points = [...new Set(cuts.map((cut) => cut % (bytes.length + 1)))].sort((a, b) => a - b);
        const chunks = [0, ...points].map((start, i) => bytes.subarray(start, [...points, bytes.length][i]));
        const frames = await collect(readFrames(chunksOf(...chunks)));
        expect(frames.map((f) => [f.streamType, f.payload.toString()])).toEqual(sent);
      }),
    );
  });
});

describe('framesToLogLines', () => {
  it('tags lines with their stream and drops the newline', async () => {
    const lines = await collect(framesToLogLines(framesFrom(out('one\n'), err('two\n')), { timestamps: false }));
    expect(lines).toEqual([
      { stream: 'stdout', text: 'one' },
      { stream: 'stderr', text: 'two' },
    ]);
  });

  it('joins a line podman sent in parts, per stream', async () => {
    const frames = framesFrom(out('long '), err('other\n'), out('line\n'));
    const lines = await collect(framesToLogLines(frames, { timestamps: false }));
    expect(lines).toEqual([
      { stream: 'stderr', text: 'other' },
      { stream: 'stdout', text: 'long line' },
    ]);
  });

  it('splits a frame holding several lines and keeps a last line without newline', async () => {
    const lines = await collect(framesToLogLines(framesFrom(out('a\nb\nc')), { timestamps: false }));
    expect(lines.map((line) => line.text)).toEqual(['a', 'b', 'c']);
  });

  it('takes the timestamp off the front of each line', async () => {
    const frames = framesFrom(out('2026-11-24T21:45:55Z hello\n'), out('2026-11-24T21:45:56.5+01:00 later\n'));
    const lines = await collect(framesToLogLines(frames, { timestamps: true }));
    expect(lines).toEqual([
      { stream: 'stdout', text: 'hello', timestamp: new Date('2026-11-24T21:45:55Z') },
      { stream: 'stdout', text: 'later', timestamp: new Date('2026-11-24T20:45:56.5Z') },
    ]);
  });

  it('keeps the first part\'s timestamp for a line sent in parts', async () => {
    const frames = framesFrom(out('2026-11-24T21:45:55Z first '), out('2026-11-24T21:45:57Z part\n'));
    const lines = await collect(framesToLogLines(frames, { timestamps: true }));
    expect(lines).toEqual([{ stream: 'stdout', text: 'first part', timestamp: new Date('2026-11-24T21:45:55Z') }]);
  });

  it('fails on a daemon error frame', async () => {
    const frames = framesFrom({ streamType: 3, payload: Buffer.from('log file gone\n') });
    await expect(collect(framesToLogLines(frames, { timestamps: false }))).rejects.toThrow('log file gone');
  });
});
