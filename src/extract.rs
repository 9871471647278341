//! Which archive members are read at all: found through the archives' symbol indexes.
//!
//! A member can only be linked because it defines a name that a linked file references strongly.
//! So, starting from the files on the command line, each file's strong references are looked up in
//! the indexes, and every member an index names as defining one is read (its symbols only, like
//! every member not yet linked); the members found are looked up in turn, until no new one turns
//! up. Resolution then chooses among the members read exactly as it would among all of them:
//! every definer of every name those files reference was read, and no other name can link a
//! member. What is never read is most of a typical link's archives: of the benchmark's links,
//! `cxx-llvm` reads 2,590 of LLVM's 4,377 members (all of them linked), ripgrep 186 of 799 (179
//! linked), the static SQLite 575 of 3,675 (574), hello none of libgcc.a's 255. Every member used
//! to be read: its header walked, its symbol table parsed, its names interned, and its pages
//! released again.
//!
//! The walk may read more than is linked, never less: a member read but not linked is dropped by
//! resolution, as members were before.

use crate::context::InputFile;
use crate::error::Result;
use crate::input::{FileType, IndexedArchive};
use crate::object::{ObjectFile, Wrap};
use hashbrown::HashTable;
use rayon::prelude::*;
use std::sync::atomic::{AtomicBool, Ordering};

/// Each indexed archive's members that may be linked, in archive order, read like every member
/// not yet linked (`lazy`); `files` are the files read so far, whose references start the walk.
pub fn extract(
    archives: &[&IndexedArchive],
    files: &[&InputFile],
    wrap: &Wrap,
    strip_debug: bool,
) -> Result<Vec<Vec<InputFile>>> {
    let index = DefinerIndex::build(archives);
    // Members are claimed once: a member is read by the round that first finds it.
    let claimed: Vec<Vec<AtomicBool>> = index
        .members
        .iter()
        .map(|m| (0..m.len()).map(|_| AtomicBool::new(false)).collect())
        .collect();
    let mut found: Vec<Vec<(u32, InputFile)>> = archives.iter().map(|_| Vec::new()).collect();
    let mut round: Vec<(u32, u32, InputFile)> = Vec::new();
    let mut first = true;
    loop {
        let mut wanted: Vec<(u32, u32)> = if first {
            files
                .par_iter()
                .flat_map_iter(|f| index.claim(&claimed, f))
                .collect()
        } else {
            round
                .par_iter()
                .flat_map_iter(|(_, _, f)| index.claim(&claimed, f))
                .collect()
        };
        first = false;
        for (a, m, o) in round.drain(..) {
            found[a as usize].push((m, o));
        }
        if wanted.is_empty() {
            break;
        }
        // The set found is the same whatever the threads did; reading it in order keeps runs alike.
        wanted.sort_unstable();
        // Members differ in size by orders of magnitude: runs of about equal bytes.
        let bytes = |&(a, m): &(u32, u32)| {
            let ms = &index.members[a as usize];
            let end = ms
                .get(m as usize + 1)
                .copied()
                .unwrap_or(archives[a as usize].data.len() as u64);
            crate::balance::object_work(end.saturating_sub(ms[m as usize]) as usize, false)
        };
        round = crate::balance::par_indexed(&wanted, bytes)
            .map(|(_, &(a, m))| -> Result<Option<(u32, u32, InputFile)>> {
                let ar = archives[a as usize];
                let offset = index.members[a as usize][m as usize];
                let (name, data) = ar.index.member(&ar.name, &ar.path, ar.data, offset)?;
                match crate::input::identify(data) {
                    FileType::Object => {}
                    FileType::Bitcode => crate::bail!(
                        "{name}: LLVM bitcode (LTO) is not supported; rebuild without -flto"
                    ),
                    // As when walking: only objects define symbols.
                    _ => return Ok(None),
                }
                crate::input::check_elf_header(&name, data)?;
                let o = ObjectFile::parse(0, name, data, true, wrap, strip_debug)?;
                Ok(Some((a, m, InputFile::Object(o))))
            })
            .filter_map(|r| r.transpose())
            .collect::<Result<_>>()?;
    }
    Ok(found
        .into_iter()
        .map(|mut v| {
            v.sort_unstable_by_key(|&(m, _)| m);
            v.into_iter().map(|(_, o)| o).collect()
        })
        .collect())
}

/// Every entry of the indexes, found by its name's hash alone: shards of tables filled in
/// parallel. Two names sharing a hash only make a member be read that need not be, which the walk
/// allows; comparing names cost more than the rest of the walk (they are read nowhere else).
struct DefinerIndex {
    /// (hash, archive, member) of every entry.
    shards: Vec<HashTable<(u64, u32, u32)>>,
    /// Per archive, the header offset of each member its index names, in archive order.
    members: Vec<Vec<u64>>,
}

const SHARDS: usize = 64;

fn shard_of(hash: u64) -> usize {
    ((hash >> 32) as usize) % SHARDS
}

impl DefinerIndex {
    fn build(archives: &[&IndexedArchive]) -> DefinerIndex {
        // Per archive: its members, and its entries as (hash, member) grouped by shard.
        type Grouped = (Vec<u64>, Vec<(u64, u32)>, [u32; SHARDS + 1]);
        let grouped: Vec<Grouped> = archives
            .par_iter()
            .map(|ar| {
                let ix = &ar.index;
                let mut members = ix.offsets.clone();
                members.sort_unstable();
                members.dedup();
                let mut off = [0u32; SHARDS + 1];
                for &h in &ix.hashes {
                    off[shard_of(h) + 1] += 1;
                }
                for s in 0..SHARDS {
                    off[s + 1] += off[s];
                }
                let mut next = off;
                let mut order = vec![(0u64, 0u32); ix.hashes.len()];
                for (&h, o) in ix.hashes.iter().zip(&ix.offsets) {
                    let s = shard_of(h);
                    let m = members.partition_point(|x| x < o) as u32;
                    order[next[s] as usize] = (h, m);
                    next[s] += 1;
                }
                (members, order, off)
            })
            .collect();
        let shards = (0..SHARDS)
            .into_par_iter()
            .map(|s| {
                let count: u32 = grouped.iter().map(|g| g.2[s + 1] - g.2[s]).sum();
                let mut t = HashTable::with_capacity(count as usize);
                for (a, g) in grouped.iter().enumerate() {
                    for &(h, m) in &g.1[g.2[s] as usize..g.2[s + 1] as usize] {
                        t.insert_unique(h, (h, a as u32, m), |e| e.0);
                    }
                }
                t
            })
            .collect();
        DefinerIndex {
            shards,
            members: grouped.into_iter().map(|g| g.0).collect(),
        }
    }

    /// The members, as (archive, member), with an index entry for a name `f` references strongly,
    /// that were not yet claimed; claims them.
    fn claim(&self, claimed: &[Vec<AtomicBool>], f: &InputFile) -> Vec<(u32, u32)> {
        let mut out = Vec::new();
        let hashes = f.global_hashes();
        crate::resolve::for_each_strong_ref(f, |j| {
            let hash = hashes[j];
            for &(h, a, m) in self.shards[shard_of(hash)].iter_hash(hash) {
                if h == hash && !claimed[a as usize][m as usize].swap(true, Ordering::Relaxed) {
                    out.push((a, m));
                }
            }
        });
        out
    }
}
