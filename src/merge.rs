//! `SHF_MERGE` sections: string literals (`SHF_STRINGS`, split at terminators) and fixed-size
//! constants (split every `sh_entsize` bytes), deduplicated across the whole link.
//!
//! Sections merge within a group keyed by (output section name, entry size, strings or not,
//! alignment). Each group is deduplicated with the sharded interner, so the order of unique pieces,
//! and with it the output, depends only on the inputs. Every piece keeps the section's alignment (the
//! compiler may rely on it for aligned loads); there is no tail merging.

use crate::context::{InputFile, Link};
use crate::elf::*;
use crate::error::Result;
use crate::intern::{Interner, Keys, Names};
use crate::object::{NONE, SecKind};
use rayon::prelude::*;
use std::collections::HashMap;

/// A merge section of one object: where its pieces start and which unique piece each one is.
pub struct MergeSlot {
    pub shndx: u32,
    pub group: u32,
    /// Input offsets where pieces start (ascending).
    pub starts: Vec<u32>,
    /// For each piece, the offset within its group of the unique piece it became. Kept instead of
    /// the unique piece's id: a relocation into a merged section then finds its place with one
    /// load from its own object's slot, where the id needed a second, random load into the group's
    /// table (on ripgrep with debug info that load stalled more than any other instruction of
    /// relocation processing).
    pub offsets: Vec<u32>,
    /// For a large section, where to look in `starts`: see [`Buckets`].
    pub buckets: Buckets,
}

/// For each run of `1 << shift` input bytes, the piece holding the run's first byte: one load
/// finds a piece (and the next few share its cache line) where a binary search over a large
/// section's `starts` is a chain of dependent cache misses. Relocations into merged sections are
/// looked up one by one (650k `.debug_str` references in a Rust program with debug info, where
/// the search was 15% of the link's CPU time). Empty for small sections.
#[derive(Default)]
pub struct Buckets {
    first: Vec<u32>,
    shift: u32,
}

/// Below this many pieces a binary search stays within a few cache lines.
const BUCKETED_PIECES: usize = 256;

impl Buckets {
    fn build(starts: &[u32], size: usize) -> Buckets {
        let n = starts.len();
        if n < BUCKETED_PIECES {
            return Buckets::default();
        }
        // About two pieces to a bucket: the index is half the size of `starts`.
        let shift = (2 * size / n).max(1).ilog2();
        let count = (size >> shift) + 1;
        let mut first = Vec::with_capacity(count);
        let mut i = 0;
        for b in 0..count {
            let at = (b << shift) as u32;
            while i + 1 < n && starts[i + 1] <= at {
                i += 1;
            }
            first.push(i as u32);
        }
        Buckets { first, shift }
    }
}

pub struct MergeGroup {
    pub out_name: &'static [u8],
    pub flags: u64,
    pub entsize: u64,
    pub align: u64,
    /// Unique pieces in output order, and their offsets within the group.
    pub pieces: Vec<&'static [u8]>,
    pub offsets: Vec<u64>,
    pub size: u64,
    /// Set by layout: output section, and the group's offset in it.
    pub out: u32,
    pub offset: u64,
}

impl MergeGroup {
    fn new(out_name: &'static [u8], flags: u64, entsize: u64, align: u64) -> MergeGroup {
        MergeGroup {
            out_name,
            flags,
            entsize,
            align,
            pieces: Vec::new(),
            offsets: Vec::new(),
            size: 0,
            out: NONE,
            offset: 0,
        }
    }
}

/// One merge section split into pieces: where each starts, its bytes, and its hash.
struct Pieces {
    shndx: u32,
    group: u32,
    starts: Vec<u32>,
    buckets: Buckets,
    /// The section's contents: the pieces lie end to end in it, from `starts`.
    bytes: &'static [u8],
    hashes: Vec<u64>,
}

/// Splits a merge section into pieces: strings end at an all-zero entry (the terminator is part of
/// the piece); constants are `entsize` bytes each. Hashes are computed in the same pass.
fn split(
    name: &str,
    data: &'static [u8],
    entsize: usize,
    strings: bool,
    p: &mut Pieces,
) -> Result<()> {
    let mut push = |start: usize, bytes: &'static [u8]| {
        p.starts.push(start as u32);
        p.hashes.push(crate::hash::hash_bytes(bytes));
    };
    if strings {
        let mut pos = 0;
        while pos < data.len() {
            let end = if entsize == 1 {
                match memchr::memchr(0, &data[pos..]) {
                    Some(n) => pos + n,
                    None => crate::bail!("{name}: string in a mergeable section is not terminated"),
                }
            } else {
                let mut end = pos;
                loop {
                    if end + entsize > data.len() {
                        crate::bail!("{name}: string in a mergeable section is not terminated");
                    }
                    if data[end..end + entsize].iter().all(|&b| b == 0) {
                        break;
                    }
                    end += entsize;
                }
                end
            };
            push(pos, &data[pos..end + entsize]);
            pos = end + entsize;
        }
    } else {
        if !data.len().is_multiple_of(entsize) {
            crate::bail!("{name}: mergeable section size is not a multiple of its entry size");
        }
        for (i, c) in data.chunks_exact(entsize).enumerate() {
            push(i * entsize, c);
        }
    }
    Ok(())
}

pub const COMMENT: &[u8] = concat!("solder ", env!("CARGO_PKG_VERSION"), "\0").as_bytes();

/// Splits and deduplicates every live merge section; returns the groups.
pub fn merge_sections(link: &mut Link) -> Result<Vec<MergeGroup>> {
    // Each file's merge sections with their group keys, found in parallel: a large C++ link has
    // 660,000 sections of which a few thousand merge, and looking at every one serially cost 6 ms.
    type Key = (&'static [u8], u64, u64, u64);
    let keyed: Vec<Vec<(u32, Key)>> = crate::balance::par_files(&link.files)
        .map(|(_, f)| match f {
            InputFile::Object(o) if o.is_alive() => o
                .sections
                .iter()
                .enumerate()
                .filter(|(_, s)| s.kind == SecKind::Merge)
                .map(|(i, s)| {
                    let out_name = crate::layout::section_output_name(o, i);
                    let flags = s.flags() & !(SHF_GROUP as u64 | SHF_COMPRESSED as u64);
                    (i as u32, (out_name, flags, s.entsize as u64, s.align()))
                })
                .collect(),
            _ => Vec::new(),
        })
        .collect();
    // Assign groups in a fixed order: by first appearance in file order.
    let mut group_index: HashMap<Key, u32> = HashMap::new();
    let mut groups: Vec<MergeGroup> = Vec::new();
    let mut group_of: Vec<Vec<(u32, u32)>> = Vec::with_capacity(link.files.len());
    for secs in keyed {
        let mut v = Vec::with_capacity(secs.len());
        for (i, key) in secs {
            let g = *group_index.entry(key).or_insert_with(|| {
                let (out_name, flags, entsize, align) = key;
                groups.push(MergeGroup::new(out_name, flags, entsize, align));
                (groups.len() - 1) as u32
            });
            v.push((i, g));
        }
        group_of.push(v);
    }
    // `.comment` always carries solder's own line.
    let comment_group = match groups.iter().position(|g| g.out_name == b".comment") {
        Some(g) => g as u32,
        None => {
            groups.push(MergeGroup::new(
                b".comment",
                (SHF_MERGE | SHF_STRINGS) as u64,
                1,
                1,
            ));
            (groups.len() - 1) as u32
        }
    };

    // Split every merge section into pieces, in parallel per file.
    let files = &link.files;
    let bytes = |fi: usize| match &files[fi] {
        InputFile::Object(o) => group_of[fi]
            .iter()
            .map(|&(si, _)| o.sections[si as usize].size)
            .sum::<u64>(),
        _ => 0,
    };
    let weights: Vec<u64> = (0..files.len()).map(|fi| bytes(fi) + 64).collect();
    let splits: Vec<Vec<Pieces>> = crate::balance::par_indexed(&weights, |&w| w)
        .map(|(fi, _)| -> Result<Vec<Pieces>> {
            let (f, gs) = (&files[fi], &group_of[fi]);
            let mut out = Vec::with_capacity(gs.len());
            if let InputFile::Object(o) = f {
                for &(si, g) in gs {
                    let s = &o.sections[si as usize];
                    let data = o.sec_data(si as usize);
                    // A rough guess of the piece count saves regrowing the vectors.
                    let guess = if s.flags() & SHF_STRINGS as u64 != 0 {
                        data.len() / 24
                    } else {
                        data.len() / s.entsize as usize
                    };
                    let mut p = Pieces {
                        shndx: si,
                        group: g,
                        starts: Vec::with_capacity(guess),
                        buckets: Buckets::default(),
                        bytes: data,
                        hashes: Vec::with_capacity(guess),
                    };
                    let strings = s.flags() & SHF_STRINGS as u64 != 0;
                    split(&o.name, data, s.entsize as usize, strings, &mut p)?;
                    p.buckets = Buckets::build(&p.starts, data.len());
                    out.push(p);
                }
            }
            Ok(out)
        })
        .collect::<Result<Vec<_>>>()?;

    // Per group, the contributing sections in file order, then intern.
    let ngroups = groups.len();
    let mut members: Vec<Vec<(usize, usize)>> = vec![Vec::new(); ngroups];
    for (fi, sp) in splits.iter().enumerate() {
        for (k, p) in sp.iter().enumerate() {
            members[p.group as usize].push((fi, k));
        }
    }
    let comment_piece: Vec<&'static [u8]> = vec![COMMENT];
    let comment_hash = vec![crate::hash::hash_bytes(COMMENT)];

    // Per group: its unique pieces, their offsets, its size, and each member's pieces as offsets
    // in the group (see `MergeSlot::offsets`).
    type Interned = (Vec<&'static [u8]>, Vec<u64>, u64, Vec<Vec<u32>>);
    let interned: Vec<Interned> = members
        .par_iter()
        .enumerate()
        .map(|(g, mem)| -> Result<Interned> {
            let mut keys: Vec<Keys<'_>> = mem
                .iter()
                .map(|&(fi, k)| Keys {
                    names: Names::Pieces {
                        bytes: splits[fi][k].bytes,
                        starts: &splits[fi][k].starts,
                    },
                    hashes: &splits[fi][k].hashes,
                })
                .collect();
            if g as u32 == comment_group {
                keys.push(Keys {
                    names: Names::List(&comment_piece),
                    hashes: &comment_hash,
                });
            }
            let (int, mut ids) = Interner::build(&keys);
            let pieces: Vec<&'static [u8]> = int.names().collect();
            drop(int);
            let align = groups[g].align;
            let mut offsets = Vec::with_capacity(pieces.len());
            let mut off = 0u64;
            for p in &pieces {
                off = align_to(off, align);
                offsets.push(off);
                off += p.len() as u64;
            }
            if off > u32::MAX as u64 {
                crate::bail!(
                    "merged section {} would be {off} bytes; solder supports up to 4 GiB",
                    String::from_utf8_lossy(groups[g].out_name)
                );
            }
            // Ids become offsets in place, in parallel: one large group (`.debug_str`) holds
            // most of the pieces of a program with debug info.
            ids.par_iter_mut().for_each(|v| {
                for id in v.iter_mut() {
                    *id = offsets[*id as usize] as u32;
                }
            });
            Ok((pieces, offsets, off, ids))
        })
        .collect::<Result<_>>()?;

    let mut interned_ids: Vec<Vec<Vec<u32>>> = Vec::with_capacity(ngroups);
    for (grp, (pieces, offsets, size, ids)) in groups.iter_mut().zip(interned) {
        grp.pieces = pieces;
        grp.offsets = offsets;
        grp.size = size;
        interned_ids.push(ids);
    }

    // Hand each object its slots.
    let mut slots: Vec<Vec<MergeSlot>> = (0..link.files.len()).map(|_| Vec::new()).collect();
    let mut by_pos: Vec<Vec<Option<Vec<u32>>>> =
        splits.iter().map(|sp| vec![None; sp.len()]).collect();
    for (g, ids) in interned_ids.into_iter().enumerate() {
        for (&(fi, k), ids) in members[g].iter().zip(ids) {
            by_pos[fi][k] = Some(ids);
        }
    }
    for (fi, (sp, ids)) in splits.into_iter().zip(by_pos).enumerate() {
        for (p, ids) in sp.into_iter().zip(ids) {
            slots[fi].push(MergeSlot {
                shndx: p.shndx,
                group: p.group,
                starts: p.starts,
                buckets: p.buckets,
                offsets: ids.unwrap_or_default(),
            });
        }
    }
    for (f, s) in link.files.iter_mut().zip(slots) {
        if let InputFile::Object(o) = f {
            let mut s = s;
            s.sort_unstable_by_key(|m| m.shndx);
            o.merge = s;
        }
    }
    Ok(groups)
}

impl crate::object::ObjectFile {
    /// The merge slot of section `shndx`.
    pub fn merge_slot(&self, shndx: u32) -> &MergeSlot {
        let i = self
            .merge
            .binary_search_by_key(&shndx, |m| m.shndx)
            .expect("merge section has a slot");
        &self.merge[i]
    }
}

/// Where input offset `off` of a merge section ends up, as an offset within its group.
pub fn locate(slot: &MergeSlot, off: u64) -> u64 {
    let i = piece_at(&slot.starts, &slot.buckets, off.min(u32::MAX as u64) as u32);
    (slot.offsets[i] as u64).wrapping_add(off - slot.starts[i] as u64)
}

/// The index of the last of `starts` (ascending) at or before `key` (0 if none is).
fn piece_at(starts: &[u32], buckets: &Buckets, key: u32) -> usize {
    let (lo, hi) = match buckets.first.get((key >> buckets.shift) as usize) {
        // The piece holding the bucket's first byte, up to the one holding the next bucket's.
        Some(&lo) => {
            let next = buckets.first.get((key >> buckets.shift) as usize + 1);
            (lo as usize, next.map_or(starts.len(), |&n| n as usize + 1))
        }
        None if buckets.first.is_empty() => (0, starts.len()),
        None => (*buckets.first.last().unwrap() as usize, starts.len()),
    };
    (lo + starts[lo..hi].partition_point(|&s| s <= key)).saturating_sub(1)
}

#[cfg(test)]
mod tests {
    use super::{Buckets, piece_at};

    /// Agrees with a binary search for every key around every start, on sections of varied piece
    /// lengths (uniform, one long piece among short ones, growing) and sizes.
    #[test]
    fn piece_at_finds_the_piece_holding_each_offset() {
        let layouts: Vec<Vec<u32>> = vec![
            vec![0],
            vec![0, 1],
            vec![0, 5, 6, 7, 100_000, 100_001],
            (0..1000).map(|i| i * 7).collect(),
            (0..500).map(|i| i * i).collect(),
            // Varied lengths, and one long piece among many short ones.
            (0..300u32)
                .map(|i| i * 3 + (i % 7) * (i % 13) * 40)
                .scan(0, |a, d| {
                    *a += d + 1;
                    Some(*a - d - 1)
                })
                .collect(),
            (0..400)
                .map(|i| if i < 300 { i } else { i + 100_000 })
                .collect(),
        ];
        for starts in &layouts {
            assert!(starts.windows(2).all(|w| w[0] < w[1]));
            let size = *starts.last().unwrap() as usize + 3;
            let bucketed = Buckets::build(starts, size);
            assert_eq!(bucketed.first.is_empty(), starts.len() < 256);
            let mut keys: Vec<u32> = starts
                .iter()
                .flat_map(|&s| [s.saturating_sub(1), s, s + 1])
                .collect();
            keys.extend([size as u32, u32::MAX]);
            for key in keys {
                let want = match starts.binary_search(&key) {
                    Ok(i) => i,
                    Err(i) => i.saturating_sub(1),
                };
                for buckets in [&Buckets::default(), &bucketed] {
                    assert_eq!(piece_at(starts, buckets, key), want, "key {key}");
                }
            }
        }
    }
}
