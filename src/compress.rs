//! `--compress-debug-sections=zlib|zstd`: once the output is written, its debug sections are
//! compressed (`SHF_COMPRESSED`, an `Elf64_Chdr` before the data) and everything after the first
//! of them is packed down over the space that frees; the caller then shortens the file.
//!
//! Debug sections are most of a `-g` binary, so compression is parallel within a section too: the
//! data is cut into fixed 1 MiB shards (fixed, so the output never depends on the thread count).
//! For zlib each shard is a raw deflate run ending in a full flush, which concatenate into one
//! stream (lld does the same), with the Adler-32 checksum combined from the shards'. For zstd each
//! shard is a frame; a Zstandard decoder reads concatenated frames as one.

use crate::args::DebugCompression;
use crate::context::Link;
use crate::elf::*;
use crate::error::{Error, Result};
use rayon::prelude::*;

const SHARD: usize = 1 << 20;

/// Appends the compressed form of its input to the vector.
type Compressor = fn(&[u8], &mut Vec<u8>);

/// Compresses the debug sections of the finished image `buf` in place; returns the new file size.
pub fn compress_debug_sections(link: &Link, buf: &mut [u8], how: DebugCompression) -> Result<u64> {
    let lay = &link.layout;
    let (ch_type, compress): (u32, Compressor) = match how {
        DebugCompression::Zlib => (ELFCOMPRESS_ZLIB, zlib),
        DebugCompression::Zstd => (ELFCOMPRESS_ZSTD, zstd_frames),
        DebugCompression::None => return Ok(lay.file_size),
    };
    let shnum = lay.shnum as usize;
    // Emitted file-backed sections in file order.
    let mut order: Vec<usize> = (0..lay.sections.len())
        .filter(|&i| lay.sections[i].shndx != 0 && !lay.sections[i].is_nobits())
        .collect();
    order.sort_by_key(|&i| lay.sections[i].offset);
    let wanted = |i: usize| {
        let s = &lay.sections[i];
        !s.is_alloc() && s.name.starts_with(b".debug") && s.size > 0
    };
    let Some(first) = order.iter().position(|&i| wanted(i)) else {
        return Ok(lay.file_size);
    };
    let tail = &order[first..];
    if tail.iter().any(|&i| lay.sections[i].is_alloc()) {
        return Err(Error(
            "internal error: an allocated section follows the debug sections".into(),
        ));
    }

    // Compress in parallel. A section stays as it is when compressing it would not save room.
    let compressed: Vec<Option<Vec<u8>>> = tail
        .par_iter()
        .map(|&i| {
            if !wanted(i) {
                return None;
            }
            let s = &lay.sections[i];
            let data = &buf[s.offset as usize..(s.offset + s.size) as usize];
            let mut out = Vec::with_capacity(data.len() / 3);
            // Elf64_Chdr: ch_type, ch_reserved, ch_size, ch_addralign.
            out.extend_from_slice(&ch_type.to_le_bytes());
            out.extend_from_slice(&0u32.to_le_bytes());
            out.extend_from_slice(&s.size.to_le_bytes());
            out.extend_from_slice(&s.align.max(1).to_le_bytes());
            compress(data, &mut out);
            // Room for realignment to 8 as well.
            (out.len() + 8 <= data.len()).then_some(out)
        })
        .collect();

    // Pack the tail down. Every section's new place starts at or before its old one, and a
    // compressed section ends before its old end, so nothing is overwritten before it is moved.
    let mut headers: Vec<(u32, u64, u64, bool)> = Vec::with_capacity(tail.len());
    let mut pos = lay.sections[tail[0]].offset;
    for (&i, c) in tail.iter().zip(&compressed) {
        let s = &lay.sections[i];
        match c {
            Some(data) => {
                let at = align_to(pos, 8);
                buf[at as usize..at as usize + data.len()].copy_from_slice(data);
                headers.push((s.shndx, at, data.len() as u64, true));
                pos = at + data.len() as u64;
            }
            None => {
                let at = align_to(pos, s.align.max(1));
                let from = s.offset as usize..(s.offset + s.size) as usize;
                buf.copy_within(from, at as usize);
                headers.push((s.shndx, at, s.size, false));
                pos = at + s.size;
            }
        }
    }
    let shoff = align_to(pos, 8);
    let table = shnum * SHDR_SIZE as usize;
    buf.copy_within(
        lay.shoff as usize..lay.shoff as usize + table,
        shoff as usize,
    );
    // Elf64_Shdr fields: sh_flags at 8, sh_offset at 24, sh_size at 32, sh_addralign at 48.
    let shdr = SHDR_SIZE as usize;
    for (shndx, off, size, is_compressed) in headers {
        let h = &mut buf[shoff as usize + shndx as usize * shdr..][..shdr];
        put_u64(h, 24, off);
        put_u64(h, 32, size);
        if is_compressed {
            let flags = u64::from_le_bytes(h[8..16].try_into().unwrap());
            put_u64(h, 8, flags | SHF_COMPRESSED as u64);
            put_u64(h, 48, 8);
        }
    }
    // Elf64_Ehdr: e_shoff at 40.
    put_u64(buf, 40, shoff);
    Ok(shoff + table as u64)
}

/// One zlib stream from raw deflate shards.
fn zlib(data: &[u8], out: &mut Vec<u8>) {
    use flate2::{Compress, Compression, FlushCompress};
    let shards: Vec<(Vec<u8>, u32)> = data
        .par_chunks(SHARD)
        .enumerate()
        .map(|(k, chunk)| {
            let last = (k + 1) * SHARD >= data.len();
            let mut c = Compress::new(Compression::fast(), false);
            let mut v = Vec::with_capacity(chunk.len() / 2 + 64);
            let flush = if last {
                FlushCompress::Finish
            } else {
                FlushCompress::Full
            };
            loop {
                let consumed = c.total_in() as usize;
                if v.capacity() - v.len() < 64 {
                    v.reserve(v.capacity().max(1024));
                }
                let status = c
                    .compress_vec(&chunk[consumed..], &mut v, flush)
                    .expect("deflate of a memory buffer");
                let all_in = c.total_in() as usize == chunk.len();
                // A full flush is complete once the input is used up and room was left over.
                if status == flate2::Status::StreamEnd
                    || (!last && all_in && v.capacity() - v.len() >= 64)
                {
                    break;
                }
            }
            (v, adler32(chunk))
        })
        .collect();
    // CMF 0x78 (deflate, 32 KiB window), FLG 0x01 (fastest; check bits make it a multiple of 31).
    out.extend_from_slice(&[0x78, 0x01]);
    let mut sum = 1u32;
    for ((v, a), chunk) in shards.iter().zip(data.chunks(SHARD)) {
        out.extend_from_slice(v);
        sum = adler32_combine(sum, *a, chunk.len());
    }
    if data.is_empty() {
        // No shard at all: an empty final stored block.
        out.extend_from_slice(&[0x03, 0x00]);
    }
    out.extend_from_slice(&sum.to_be_bytes());
}

const ADLER_MOD: u32 = 65521;

fn adler32(data: &[u8]) -> u32 {
    let (mut a, mut b) = (1u32, 0u32);
    // 5552 bytes is the most that can be summed before b could overflow 32 bits.
    for block in data.chunks(5552) {
        for &x in block {
            a += x as u32;
            b += a;
        }
        a %= ADLER_MOD;
        b %= ADLER_MOD;
    }
    (b << 16) | a
}

/// The Adler-32 of `A ++ B` from those of `A` and `B` and the length of `B`.
fn adler32_combine(sum_a: u32, sum_b: u32, len_b: usize) -> u32 {
    let m = ADLER_MOD as u64;
    let (a1, b1) = ((sum_a & 0xffff) as u64, (sum_a >> 16) as u64);
    let (a2, b2) = ((sum_b & 0xffff) as u64, (sum_b >> 16) as u64);
    let n = len_b as u64 % m;
    let a = (a1 + a2 + m - 1) % m;
    let b = (b1 + b2 + n * a1 % m + m - n) % m;
    ((b << 16) | a) as u32
}

fn zstd_frames(data: &[u8], out: &mut Vec<u8>) {
    let frames: Vec<Vec<u8>> = data
        .par_chunks(SHARD)
        .map(|chunk| zstd::bulk::compress(chunk, 1).expect("zstd compression of a memory buffer"))
        .collect();
    for f in frames {
        out.extend_from_slice(&f);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn adler32_known_value_and_combination() {
        // The example in RFC 1950's reference code: "Wikipedia" has Adler-32 0x11E60398.
        assert_eq!(adler32(b"Wikipedia"), 0x11E6_0398);
        let data: Vec<u8> = (0..200_000u32).map(|i| (i * 7 + i / 13) as u8).collect();
        let (x, y) = data.split_at(123_457);
        assert_eq!(
            adler32_combine(adler32(x), adler32(y), y.len()),
            adler32(&data)
        );
    }

    #[test]
    fn sharded_zlib_decompresses_to_the_input() {
        use std::io::Read;
        for len in [0, 1, 1000, SHARD, SHARD + 1, 3 * SHARD + 12_345] {
            let data: Vec<u8> = (0..len)
                .map(|i| (i % 251) as u8 ^ (i / 4096) as u8)
                .collect();
            let mut z = Vec::new();
            zlib(&data, &mut z);
            let mut back = Vec::new();
            flate2::read::ZlibDecoder::new(&z[..])
                .read_to_end(&mut back)
                .unwrap();
            assert_eq!(back, data, "length {len}");
        }
    }

    #[test]
    fn zstd_frames_decompress_to_the_input() {
        let data: Vec<u8> = (0..2 * SHARD + 99).map(|i| (i % 253) as u8).collect();
        let mut z = Vec::new();
        zstd_frames(&data, &mut z);
        let back = zstd::stream::decode_all(&z[..]).unwrap();
        assert_eq!(back, data);
    }
}
