//! A parallel, deterministic interner: maps byte strings (symbol names, comdat signatures) from every
//! file to dense ids.
//!
//! Keys are split into a fixed number of shards by hash. Each shard is filled by one worker that walks
//! the files in command-line order, so the id a key gets depends only on the inputs, never on the
//! number of threads or their timing. Each file pre-sorts its keys by shard (a counting sort), so a
//! shard worker touches only its own keys. Shards match keys by hash alone; every match is then
//! checked by name, file by file, and a name sharing its hash with another sends the build down
//! an exact path (see [`Interner::build`]).

use hashbrown::HashTable;
use rayon::prelude::*;

pub const SHARDS: usize = 64;

#[inline]
pub fn shard_of(hash: u64) -> usize {
    // hashbrown uses the low bits for the bucket and the top 7 for tags; take the middle.
    ((hash >> 32) as usize) % SHARDS
}

/// What makes two keys the same while a shard is filled.
#[derive(Clone, Copy, PartialEq)]
enum Match {
    /// The same 64-bit hash (checked by name afterwards).
    Hash,
    /// The same hash and name.
    Name,
}

/// Whether two names are equal, without reading them when they are one slice (a key compared with
/// itself, as every first occurrence is).
#[inline]
fn same(a: &[u8], b: &[u8]) -> bool {
    std::ptr::eq(a, b) || a == b
}

/// One file's keys as (hash, index in the file), grouped by shard, and where each shard's keys
/// start.
pub type ByShard = (Vec<(u64, u32)>, [u32; SHARDS + 1]);

/// Keys as (hash, index) grouped by shard (a counting sort), and where each shard's keys start.
pub fn group_by_shard(hashes: &[u64]) -> ByShard {
    let mut counts = [0u32; SHARDS + 1];
    for &h in hashes {
        counts[shard_of(h) + 1] += 1;
    }
    for s in 0..SHARDS {
        counts[s + 1] += counts[s];
    }
    let mut next = counts;
    let mut order = vec![(0u64, 0u32); hashes.len()];
    for (i, &h) in hashes.iter().enumerate() {
        let s = shard_of(h);
        order[next[s] as usize] = (h, i as u32);
        next[s] += 1;
    }
    (order, counts)
}

struct Shard {
    table: HashTable<u32>,
    names: Vec<&'static [u8]>,
    /// Hash of each local.
    hashes: Vec<u64>,
    /// Local id of each key processed, in processing order.
    locals: Vec<u32>,
    /// Where each file's keys start in `locals`.
    file_start: Vec<u32>,
}

impl Shard {
    /// Interns the keys of shard `s`, walking the files in order.
    fn fill(files: &[Keys<'_>], sorted: &[ByShard], s: usize, by: Match) -> Shard {
        // Every key of this shard gets a local; at least half of them, typically, are distinct,
        // so growing the table from empty would rehash it many times.
        let keys: usize = sorted
            .iter()
            .map(|(_, off)| (off[s + 1] - off[s]) as usize)
            .sum();
        let mut sh = Shard {
            table: HashTable::with_capacity(keys / 2),
            names: Vec::with_capacity(keys / 2),
            hashes: Vec::with_capacity(keys / 2),
            locals: Vec::with_capacity(keys),
            file_start: Vec::with_capacity(files.len()),
        };
        for (f, k) in files.iter().enumerate() {
            sh.file_start.push(sh.locals.len() as u32);
            let (order, off) = &sorted[f];
            for &(h, i) in &order[off[s] as usize..off[s + 1] as usize] {
                let (names, hashes) = (&mut sh.names, &mut sh.hashes);
                let found = match by {
                    Match::Hash => sh.table.find(h, |&l| hashes[l as usize] == h),
                    Match::Name => {
                        let name = k.names.get(i as usize);
                        sh.table.find(h, |&l| {
                            hashes[l as usize] == h && same(names[l as usize], name)
                        })
                    }
                };
                let local = match found {
                    Some(&l) => l,
                    None => {
                        let l = names.len() as u32;
                        names.push(k.names.get(i as usize));
                        hashes.push(h);
                        sh.table.insert_unique(h, l, |&l| hashes[l as usize]);
                        l
                    }
                };
                sh.locals.push(local);
            }
        }
        sh
    }
}

pub struct Interner {
    shards: Vec<Shard>,
    base: Vec<u32>,
    total: u32,
}

/// The keys of one file.
pub struct Keys<'a> {
    pub names: Names<'a>,
    pub hashes: &'a [u64],
}

/// A file's keys: a list of names, or the pieces of one merge section, which lie end to end and
/// are described by where each starts (a list would cost 16 bytes for each of a million strings
/// of a large `.debug_str`).
pub enum Names<'a> {
    List(&'a [&'static [u8]]),
    /// Piece `i` is `bytes[starts[i]..starts[i + 1]]`, the last one running to the end.
    Pieces {
        bytes: &'static [u8],
        starts: &'a [u32],
    },
}

impl Names<'_> {
    #[inline]
    pub fn get(&self, i: usize) -> &'static [u8] {
        match *self {
            Names::List(l) => l[i],
            Names::Pieces { bytes, starts } => {
                let end = starts.get(i + 1).map_or(bytes.len(), |&e| e as usize);
                &bytes[starts[i] as usize..end]
            }
        }
    }
}

impl Interner {
    /// Interns every file's keys; returns the interner and, per file, the id of each key.
    pub fn build(files: &[Keys<'_>]) -> (Interner, Vec<Vec<u32>>) {
        // Per file: (hash, key index) grouped by shard. The hash travels with the index so that a
        // shard reads its keys' hashes in order, not one from every eighth cache line of each
        // file's hashes (resolve symbols 43.8 -> 40.3 and 54.1 -> 46.0 ms, merge sections 20.8 ->
        // 18.5 on cxx-llvm, for 8 bytes a key while interning).
        // Files differ in key count by orders of magnitude: runs of about equal keys.
        let keys_of = |k: &Keys<'_>| k.hashes.len() as u64 + 16;
        let sorted: Vec<ByShard> = crate::balance::par_indexed(files, keys_of)
            .map(|(_, k)| group_by_shard(k.hashes))
            .collect();

        // Keys are matched by their 64-bit hash alone while the shards are filled, and every
        // match is then checked by name, file by file. Comparing names while filling read each
        // key's name in shard order, a few names from each page of every file per shard, and a
        // name's first read was most of the time of a large link's interning. Two different names
        // with one hash fail the check; the shards are then filled again comparing names.
        let fill = |by: Match| -> Vec<Shard> {
            (0..SHARDS)
                .into_par_iter()
                .map(|s| Shard::fill(files, &sorted, s, by))
                .collect()
        };
        let bases = |shards: &[Shard]| -> (Vec<u32>, u32) {
            let mut base = Vec::with_capacity(SHARDS);
            let mut total = 0u32;
            for sh in shards {
                base.push(total);
                total += sh.names.len() as u32;
            }
            (base, total)
        };
        let assign = |shards: &[Shard], base: &[u32], check: bool| -> Option<Vec<Vec<u32>>> {
            crate::balance::par_indexed(files, keys_of)
                .map(|(f, k)| {
                    let mut ids = vec![0u32; k.hashes.len()];
                    let (order, off) = &sorted[f];
                    for s in 0..SHARDS {
                        let sh = &shards[s];
                        let start = sh.file_start[f] as usize;
                        let slice = &order[off[s] as usize..off[s + 1] as usize];
                        for (j, &(_, i)) in slice.iter().enumerate() {
                            let local = sh.locals[start + j];
                            if check && !same(k.names.get(i as usize), sh.names[local as usize]) {
                                return None;
                            }
                            ids[i as usize] = base[s] + local;
                        }
                    }
                    Some(ids)
                })
                .collect()
        };
        let mut shards = fill(Match::Hash);
        let (mut base, mut total) = bases(&shards);
        let ids = match assign(&shards, &base, true) {
            Some(ids) => ids,
            None => {
                shards = fill(Match::Name);
                (base, total) = bases(&shards);
                assign(&shards, &base, false).expect("ids assigned without a check")
            }
        };
        // Lookups by name need only the table, names and hashes.
        for sh in &mut shards {
            (sh.locals, sh.file_start) = (Vec::new(), Vec::new());
        }

        (
            Interner {
                shards,
                base,
                total,
            },
            ids,
        )
    }

    pub fn len(&self) -> usize {
        self.total as usize
    }

    pub fn lookup(&self, name: &[u8]) -> Option<u32> {
        let h = crate::hash::hash_bytes(name);
        let s = shard_of(h);
        let sh = &self.shards[s];
        sh.table
            .find(h, |&l| {
                sh.hashes[l as usize] == h && sh.names[l as usize] == name
            })
            .map(|&l| self.base[s] + l)
    }

    /// The name with id `id`.
    #[inline]
    pub fn name(&self, id: u32) -> &'static [u8] {
        let s = self.base.partition_point(|&b| b <= id) - 1;
        self.shards[s].names[(id - self.base[s]) as usize]
    }

    /// Names in id order.
    pub fn names(&self) -> impl Iterator<Item = &'static [u8]> + '_ {
        self.shards.iter().flat_map(|s| s.names.iter().copied())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hash::hash_bytes;

    /// Each file's names as a list, with the given hashes.
    fn lists<'a>(files: &'a [(Vec<&'static [u8]>, Vec<u64>)]) -> Vec<Keys<'a>> {
        files
            .iter()
            .map(|(names, hashes)| Keys {
                names: Names::List(names),
                hashes,
            })
            .collect()
    }

    /// Names with their real hashes.
    fn hashed(names: Vec<&'static [u8]>) -> (Vec<&'static [u8]>, Vec<u64>) {
        let h = names.iter().map(|n| hash_bytes(n)).collect();
        (names, h)
    }

    #[test]
    fn same_ids_whatever_the_thread_count() {
        let files = [
            hashed(vec![b"main", b"printf", b"foo", b"bar"]),
            hashed(vec![b"foo", b"baz", b"main"]),
        ];
        let run = |threads| {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap();
            pool.install(|| {
                let (int, ids) = Interner::build(&lists(&files));
                (int.len(), ids, int.lookup(b"baz"))
            })
        };
        let one = run(1);
        let two = run(3);
        assert_eq!(one, two);
        let (n, ids, baz) = one;
        assert_eq!(n, 5);
        assert_eq!(ids[0][2], ids[1][0], "foo interned once");
        assert_eq!(ids[0][0], ids[1][2], "main interned once");
        assert_eq!(baz, Some(ids[1][1]));
    }

    /// Keys are first matched by hash: two names with one hash must still get two ids (the check
    /// by name sends the build down the exact path), in a file and across files.
    #[test]
    fn names_sharing_a_hash_stay_apart() {
        let files: [(Vec<&'static [u8]>, Vec<u64>); 2] = [
            (vec![b"alpha", b"beta", b"alpha"], vec![7, 7, 7]),
            (vec![b"beta", b"gamma"], vec![7, 9]),
        ];
        let (int, ids) = Interner::build(&lists(&files));
        assert_eq!(int.len(), 3);
        assert_eq!(ids[0][0], ids[0][2], "alpha interned once");
        assert_ne!(
            ids[0][0], ids[0][1],
            "alpha and beta share a hash, not an id"
        );
        assert_eq!(ids[0][1], ids[1][0], "beta interned once");
        assert_ne!(ids[1][1], ids[0][0]);
        let names: Vec<&[u8]> = int.names().collect();
        assert_eq!(names[ids[0][1] as usize], b"beta");
        assert_eq!(names[ids[1][1] as usize], b"gamma");
    }

    /// `name` finds every id's name, from a handful of names, where most shards are empty (their
    /// bases repeat), to thousands.
    #[test]
    fn every_id_has_its_name() {
        for count in [0usize, 1, 3, 100, 5000] {
            let names: Vec<&'static [u8]> = (0..count)
                .map(|i| &*Box::leak(format!("sym{i}").into_bytes().into_boxed_slice()))
                .collect();
            let files = [hashed(names)];
            let (int, ids) = Interner::build(&lists(&files));
            let in_order: Vec<&[u8]> = int.names().collect();
            assert_eq!(in_order.len(), count);
            for (id, want) in in_order.iter().enumerate() {
                assert_eq!(int.name(id as u32), *want, "id {id} of {count}");
            }
            for (i, &id) in ids[0].iter().enumerate() {
                assert_eq!(int.name(id), files[0].0[i]);
            }
        }
    }

    /// Pieces described by their starts are the same keys as the slices they stand for.
    #[test]
    fn pieces_intern_as_their_slices() {
        let bytes: &'static [u8] = b"ab\0c\0ab\0\0c\0";
        let starts = [0u32, 3, 5, 8, 9];
        let list: Vec<&'static [u8]> = vec![b"ab\0", b"c\0", b"ab\0", b"\0", b"c\0"];
        let hashes: Vec<u64> = list.iter().map(|n| hash_bytes(n)).collect();
        let pieces = Names::Pieces {
            bytes,
            starts: &starts,
        };
        for (i, n) in list.iter().enumerate() {
            assert_eq!(pieces.get(i), *n, "piece {i}");
        }
        let (a, ids_a) = Interner::build(&[Keys {
            names: pieces,
            hashes: &hashes,
        }]);
        let (b, ids_b) = Interner::build(&[Keys {
            names: Names::List(&list),
            hashes: &hashes,
        }]);
        assert_eq!(ids_a, ids_b);
        assert_eq!(a.len(), 3);
        assert_eq!(a.names().collect::<Vec<_>>(), b.names().collect::<Vec<_>>());
    }
}
