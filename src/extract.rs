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
use crate::dso::DsoFile;
use crate::error::Result;
use crate::input::{FileType, IndexedArchive, Input};
use crate::intern::{ByShard, SHARDS, group_by_shard, shard_of};
use crate::object::{ObjectFile, Wrap};
use hashbrown::HashTable;
use rayon::prelude::*;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicBool, Ordering};

/// Reads every input: objects and libraries, and of each indexed archive the members that may be
/// linked, in archive order, read like every member not yet linked (`lazy`). Returns the files in
/// command-line order, each archive replaced by its members read (numbered 0: their final place
/// is known only now).
///
/// One parallel region: each file, once read, claims the members that define what it references
/// and starts reading them, so the command line's files and the chain of members that follow
/// from them (nine steps deep on LLVM's archives) never wait for one another in rounds.
pub fn read_files(
    inputs: Vec<Input>,
    internal: &InputFile,
    wrap: &Wrap,
    strip_debug: bool,
) -> Result<Vec<InputFile>> {
    // Files to read, with `None` where an indexed archive stands.
    let mut archives = Vec::new();
    let jobs: Vec<Option<Input>> = inputs
        .into_iter()
        .map(|i| match i {
            Input::Archive(a) => {
                archives.push(a);
                None
            }
            other => Some(other),
        })
        .collect();
    let archives: Vec<&IndexedArchive> = archives.iter().collect();
    let index = DefinerIndex::build(&archives);
    let walk = Walk {
        index: &index,
        archives: &archives,
        wrap,
        strip_debug,
        claimed: index
            .members
            .iter()
            .map(|m| (0..m.len()).map(|_| AtomicBool::new(false)).collect())
            .collect(),
        read: index
            .members
            .iter()
            .map(|m| (0..m.len()).map(|_| OnceLock::new()).collect())
            .collect(),
    };
    let read: Vec<OnceLock<Result<InputFile>>> = jobs.iter().map(|_| OnceLock::new()).collect();
    let archive_at: Vec<bool> = jobs.iter().map(Option::is_none).collect();
    rayon::scope(|scope| {
        let walk = &walk;
        walk.follow(scope, internal);
        for (job, slot) in jobs.into_iter().zip(&read) {
            let Some(inp) = job else { continue };
            scope.spawn(move |scope| {
                let f = read_input(inp, wrap, strip_debug);
                if let Ok(f) = &f {
                    walk.follow(scope, f);
                }
                let _ = slot.set(f);
            });
        }
    });
    // Errors in command-line order, then in archive order: the same whatever the threads did.
    let mut members = walk.read.into_iter();
    let mut out = Vec::with_capacity(read.len());
    for (slot, archive) in read.into_iter().zip(archive_at) {
        if archive {
            for m in members.next().expect("one list per archive") {
                if let Some(f) = m.into_inner().flatten() {
                    out.push(f?);
                }
            }
        } else {
            out.push(slot.into_inner().expect("every input was read")?);
        }
    }
    Ok(out)
}

/// A file on the command line (not an indexed archive: those are read through `Walk`).
fn read_input(inp: Input, wrap: &Wrap, strip_debug: bool) -> Result<InputFile> {
    match inp {
        Input::Object(o) => {
            ObjectFile::parse(0, o.name, o.data, o.lazy, wrap, strip_debug).map(InputFile::Object)
        }
        Input::Dso(d) => {
            DsoFile::parse(0, d.name, d.data, d.as_needed, d.soname).map(InputFile::Dso)
        }
        Input::Archive(a) => unreachable!("{}: indexed archives are walked", a.name),
    }
}

/// The state of the walk over archive members.
struct Walk<'a> {
    index: &'a DefinerIndex,
    archives: &'a [&'a IndexedArchive],
    wrap: &'a Wrap,
    strip_debug: bool,
    /// Per archive and member: taken by the first file to reference it.
    claimed: Vec<Vec<AtomicBool>>,
    /// Per archive and member: the member read (`None`: not an object, so nothing).
    read: Vec<Vec<OnceLock<Option<Result<InputFile>>>>>,
}

impl<'a> Walk<'a> {
    /// Starts reading each member that defines a name `f` references strongly and that no other
    /// file claimed first.
    fn follow<'s>(&'s self, scope: &rayon::Scope<'s>, f: &InputFile) {
        let hashes = f.global_hashes();
        crate::resolve::for_each_strong_ref(f, |j| {
            let hash = hashes[j];
            for &(h, a, m) in self.index.shards[shard_of(hash)].iter_hash(hash) {
                if h == hash && !self.claimed[a as usize][m as usize].swap(true, Ordering::Relaxed)
                {
                    scope.spawn(move |scope| {
                        let r = self.read_member(a, m);
                        if let Some(Ok(f)) = &r {
                            self.follow(scope, f);
                        }
                        let _ = self.read[a as usize][m as usize].set(r);
                    });
                }
            }
        });
    }

    fn read_member(&self, a: u32, m: u32) -> Option<Result<InputFile>> {
        let ar = self.archives[a as usize];
        let offset = self.index.members[a as usize][m as usize];
        let r = (|| -> Result<Option<InputFile>> {
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
            let o = ObjectFile::parse(0, name, data, true, self.wrap, self.strip_debug)?;
            Ok(Some(InputFile::Object(o)))
        })();
        r.transpose()
    }
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

/// An index's distinct member offsets, ascending, and for each entry the number of its member
/// among them. GNU ar and llvm-ar list entries in member order, so that is one pass; an index
/// in any other order is sorted and searched.
fn number_members(offsets: &[u64]) -> (Vec<u64>, Vec<u32>) {
    if offsets.is_sorted() {
        let mut members: Vec<u64> = Vec::new();
        let member = offsets
            .iter()
            .map(|&o| {
                if members.last() != Some(&o) {
                    members.push(o);
                }
                (members.len() - 1) as u32
            })
            .collect();
        return (members, member);
    }
    let mut members = offsets.to_vec();
    members.sort_unstable();
    members.dedup();
    let member = offsets
        .iter()
        .map(|o| members.partition_point(|x| x < o) as u32)
        .collect();
    (members, member)
}

impl DefinerIndex {
    fn build(archives: &[&IndexedArchive]) -> DefinerIndex {
        // Per archive: its members, each entry's member, and its entries grouped by shard.
        type Grouped = (Vec<u64>, Vec<u32>, ByShard);
        let grouped: Vec<Grouped> = archives
            .par_iter()
            .map(|ar| {
                let ix = &ar.index;
                let (members, member) = number_members(&ix.offsets);
                (members, member, group_by_shard(&ix.hashes))
            })
            .collect();
        let shards = (0..SHARDS)
            .into_par_iter()
            .map(|s| {
                let count: u32 = grouped.iter().map(|g| g.2.1[s + 1] - g.2.1[s]).sum();
                let mut t = HashTable::with_capacity(count as usize);
                for (a, (_, member, (order, off))) in grouped.iter().enumerate() {
                    for &(h, i) in &order[off[s] as usize..off[s + 1] as usize] {
                        t.insert_unique(h, (h, a as u32, member[i as usize]), |e| e.0);
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
}

#[cfg(test)]
mod tests {
    use super::number_members;

    /// Entries in member order (one pass) and in any other order (sorted and searched) number
    /// their members alike.
    #[test]
    fn members_numbered_in_any_entry_order() {
        let in_order = [8u64, 8, 8, 120, 300, 300, 4096];
        assert_eq!(
            number_members(&in_order),
            (vec![8, 120, 300, 4096], vec![0, 0, 0, 1, 2, 2, 3])
        );
        let shuffled = [300u64, 8, 4096, 8, 120, 300, 8];
        assert_eq!(
            number_members(&shuffled),
            (vec![8, 120, 300, 4096], vec![2, 0, 3, 0, 1, 2, 0])
        );
        assert_eq!(number_members(&[]), (vec![], vec![]));
    }
}
