/**
 * The payload codec compresses JSON before it encrypts: a workflow's state reaches the Temporal
 * server (and its history) smaller, payloads sealed before compression keep opening, and the
 * compression marker is authenticated, so it cannot be added or stripped unnoticed. No server.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Payload } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import { DEFLATE_COMPRESSION, EncryptionCodec, parseCodecKeys } from '../temporal-config/codec';

const utf8 = (bytes: Uint8Array | null | undefined) => Buffer.from(bytes ?? new Uint8Array()).toString('utf8');
const fixture = JSON.parse(fs.readFileSync(path.join(__dirname, 'fixtures', 'codec-payloads-before-compression.json'), 'utf8')) as {
  key: string;
  value: unknown;
  payloads: Array<{ metadata: Record<string, string>; data: string }>;
};
const keys = parseCodecKeys(fixture.key);
const toPayload = (p: { metadata: Record<string, string>; data: string }): Payload => ({
  metadata: Object.fromEntries(Object.entries(p.metadata).map(([k, v]) => [k, Buffer.from(v)])),
  data: Buffer.from(p.data, 'base64'),
});

/** The largest payload of a committed application history: a workflow's state as it really is. */
function typicalState(): Payload {
  const history = fs.readFileSync(path.join(__dirname, 'histories', 'application-partially-disclosed.json'), 'utf8');
  let largest: { metadata: Record<string, string>; data: string } | undefined;
  JSON.parse(history, (_key, value: unknown) => {
    const candidate = value as { metadata?: Record<string, string>; data?: unknown };
    if (
      candidate &&
      typeof candidate === 'object' &&
      typeof candidate.data === 'string' &&
      candidate.metadata &&
      (!largest || candidate.data.length > largest.data.length)
    ) {
      largest = candidate as { metadata: Record<string, string>; data: string };
    }
    return value;
  });
  return {
    metadata: Object.fromEntries(Object.entries(largest!.metadata).map(([k, v]) => [k, Buffer.from(v, 'base64')])),
    data: Buffer.from(largest!.data, 'base64'),
  };
}

describe.each([['default'], ['gm']] as const)('EncryptionCodec (%s suite)', (suite) => {
  const codec = new EncryptionCodec(keys, suite);

  it('opens the payloads sealed before compression (no marker), of either cipher', async () => {
    const opened = await codec.decode(fixture.payloads.map(toPayload));
    expect(opened.map((p) => utf8(p.metadata!.encoding))).toEqual(['json/plain', 'json/plain']);
    for (const p of opened) expect(JSON.parse(utf8(p.data))).toEqual(fixture.value);
  });

  it('compresses a typical state before sealing it, to well under its size, and opens it again', async () => {
    const state = typicalState();
    expect(state.data!.length).toBeGreaterThan(5000);
    const [sealed] = await codec.encode([state]);
    expect(utf8(sealed!.metadata!.compression)).toBe(DEFLATE_COMPRESSION);
    const serialized = temporal.api.common.v1.Payload.encode(state).finish().length;
    expect(sealed!.data!.length).toBeLessThan(serialized * 0.5);
    const [opened] = await codec.decode([sealed!]);
    expect(utf8(opened!.metadata!.encoding)).toBe('json/plain');
    expect(Buffer.from(opened!.data!).equals(Buffer.from(state.data!))).toBe(true);
  });

  it('leaves small and binary payloads uncompressed', async () => {
    const small: Payload = { metadata: { encoding: Buffer.from('json/plain') }, data: Buffer.from('"2026-000123"') };
    const pdf: Payload = { metadata: { encoding: Buffer.from('binary/plain') }, data: Buffer.from('%PDF-1.7 '.repeat(500)) };
    const sealed = await codec.encode([small, pdf]);
    expect(sealed.map((p) => p.metadata!.compression)).toEqual([undefined, undefined]);
    const opened = await codec.decode(sealed);
    expect(opened.map((p) => utf8(p.data))).toEqual([utf8(small.data), utf8(pdf.data)]);
  });

  it('refuses a payload whose compression marker was stripped, added or changed', async () => {
    const [sealed] = await codec.encode([typicalState()]);
    const stripped = { ...sealed!, metadata: { ...sealed!.metadata } };
    delete stripped.metadata.compression;
    await expect(codec.decode([stripped])).rejects.toThrow();
    const [oldStyle] = fixture.payloads.map(toPayload);
    await expect(
      codec.decode([{ ...oldStyle!, metadata: { ...oldStyle!.metadata, compression: Buffer.from(DEFLATE_COMPRESSION) } }]),
    ).rejects.toThrow();
    await expect(codec.decode([{ ...sealed!, metadata: { ...sealed!.metadata, compression: Buffer.from('zstd') } }])).rejects.toThrow(
      /unknown method "zstd"/,
    );
  });
});
