#!/usr/bin/env python3
"""Writes the hostile Parquet files of Tests/Fixtures/hostile-parquet (and seeds the fuzz corpus
with them): a few hundred bytes each that declare far more than they hold. Each is a valid file
by the format's grammar; only what it declares is hostile.

    python3 Tests/Tools/hostile_parquet.py Tests/Fixtures/hostile-parquet Fuzz/Corpus/parquet
"""
import gzip, os, struct, sys

MAX_ROWS = 2**31 - 1


def varint(n):
    out = bytearray()
    while True:
        byte = n & 0x7F
        n >>= 7
        if n:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def zigzag(n):
    return (n << 1) ^ (n >> 63)


class Struct:
    """Thrift compact protocol, just what a Parquet footer and page header need."""

    def __init__(self):
        self.out, self.last = bytearray(), 0

    def _header(self, fid, ftype):
        delta = fid - self.last
        self.out += bytes([(delta << 4) | ftype]) if 0 < delta <= 15 else bytes([ftype]) + varint(zigzag(fid))
        self.last = fid

    def i32(self, fid, v):
        self._header(fid, 5); self.out += varint(zigzag(v)); return self

    def i64(self, fid, v):
        self._header(fid, 6); self.out += varint(zigzag(v)); return self

    def string(self, fid, s):
        b = s.encode(); self._header(fid, 8); self.out += varint(len(b)) + b; return self

    def struct(self, fid, s):
        self._header(fid, 12); self.out += s.end(); return self

    def list(self, fid, etype, items):
        self._header(fid, 9)
        self.out += bytes([(len(items) << 4) | etype]) if len(items) < 15 else bytes([0xF0 | etype]) + varint(len(items))
        for item in items:
            self.out += item.end() if isinstance(item, Struct) else item
        return self

    def end(self):
        return bytes(self.out) + b"\x00"


INT32, INT64, INT96, BYTE_ARRAY = 1, 2, 3, 6


def page(kind, body, values, encoding, uncompressed=None, dictionary=False):
    header = Struct().i32(1, kind).i32(2, len(body) if uncompressed is None else uncompressed).i32(3, len(body))
    inner = Struct().i32(1, values).i32(2, encoding)
    if not dictionary:
        inner.i32(3, 3).i32(4, 3)   # RLE levels
    header.struct(7 if dictionary else 5, inner)
    return header.end() + body


class Column:
    def __init__(self, name, physical, optional, pages, codec=0, dictionary=False):
        self.name, self.physical, self.optional, self.pages, self.codec, self.dictionary = name, physical, optional, pages, codec, dictionary


def file(rows, columns):
    body, chunks = b"", []
    for column in [artist_id(rows)] + columns:
        start, data = 4 + len(body), b"".join(column.pages)
        body += data
        meta = Struct().i32(1, column.physical).list(2, 5, [varint(zigzag(0))]) \
            .list(3, 8, [varint(len(column.name)) + column.name.encode()]) \
            .i32(4, column.codec).i64(5, rows).i64(6, len(data)).i64(7, len(data)).i64(9, start)
        if column.dictionary:
            meta.i64(11, start)
        chunks.append(Struct().i64(2, start).struct(3, meta))
    group = Struct().list(1, 12, chunks).i64(2, len(body)).i64(3, rows)
    schema = [Struct().string(4, "schema").i32(5, len(chunks))]
    for column in [artist_id(rows)] + columns:
        schema.append(Struct().i32(1, column.physical).i32(3, 1 if column.optional else 0).string(4, column.name))
    footer = Struct().i32(1, 1).list(2, 12, schema).i64(3, rows).list(4, 12, [group]).end()
    return b"PAR1" + body + footer + struct.pack("<I", len(footer)) + b"PAR1"


def one_value_run(rows, value):
    """A dictionary of one value and a data page that repeats it `rows` times in one RLE run."""
    dictionary = page(2, value, 1, 0, dictionary=True)
    run = bytes([1]) + varint(rows << 1) + b"\x00"
    return [dictionary, page(0, run, rows, 8)]


def artist_id(rows):
    # Readers filter on artist_id: every shape has it, as one repeated id.
    return Column("artist_id", BYTE_ARRAY, False, one_value_run(rows, struct.pack("<I", 6) + b"artist"), dictionary=True)


def shapes():
    # 2^31-1 rows: a one-entry dictionary and one RLE run of index 0.
    yield "dictionary-rle-run.parquet", file(MAX_ROWS, [Column("followers", INT64, False, one_value_run(MAX_ROWS, struct.pack("<q", 1)), dictionary=True)])
    # 2^31-1 rows of an OPTIONAL column, all null: definition levels are one RLE run of 0.
    levels = varint(MAX_ROWS << 1) + b"\x00"
    yield "all-null.parquet", file(MAX_ROWS, [Column("artist_name", BYTE_ARRAY, True, [page(0, struct.pack("<I", len(levels)) + levels, MAX_ROWS, 0)])])
    # DELTA_BINARY_PACKED, 1 KB: 100 million values in miniblocks of bit width 0.
    rows = 100_000_000
    blocks = varint(128) + varint(1) + varint(rows) + varint(zigzag(7))
    blocks += (varint(zigzag(1)) + b"\x00") * ((1024 - len(blocks)) // 2)
    yield "delta-binary-packed.parquet", file(rows, [Column("followers", INT64, False, [page(0, blocks, rows, 5)])])
    # GZIP: a page that declares 16 uncompressed bytes and inflates to 64 MiB.
    bomb = gzip.compress(b"\x00" * (64 << 20), 9)
    yield "gzip-bomb.parquet", file(2, [Column("followers", INT64, False, [page(0, bomb, 2, 0, uncompressed=16)], codec=2)])
    # Not hostile, only off contract: an INT96 `day` (old Spark and Hive timestamps).
    yield "int96-day.parquet", file(2, [Column("day", INT96, False, [page(0, b"\x00" * 24, 2, 0)])])


def main(folders):
    for folder in folders:
        os.makedirs(folder, exist_ok=True)
        for name, data in shapes():
            with open(os.path.join(folder, name), "wb") as out:
                out.write(data)


if __name__ == "__main__":
    main(sys.argv[1:])
