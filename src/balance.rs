//! Parallel loops over files whose costs differ by orders of magnitude.
//!
//! rayon splits a slice by item count, and on two threads it stops splitting early: the first
//! quarter of the files stays one sequential job. A Rust link puts its heavy objects (the crate's
//! own codegen units) first and hundreds of unlinked archive members after them, so one thread
//! parsed every heavy object while the other finished the members and idled (parse phases at
//! CPU/wall 1.2 on two threads). Here the files are cut into consecutive runs of about equal
//! work instead, several per thread, and each run is one job; order is kept, so results collected
//! from these loops are in file order as before.

use crate::context::InputFile;
use rayon::prelude::*;

/// Runs per thread: enough that a thread finishing early finds work to take.
const RUNS_PER_THREAD: u64 = 8;

/// A rough measure of what a per-file phase costs for this file: the bytes of a linked object
/// (its sections are read), a fraction of those of an unlinked member (only its symbols are).
pub fn work(f: &InputFile) -> u64 {
    match f {
        InputFile::Object(o) => object_work(o.data.len(), o.is_alive()),
        InputFile::Dso(d) => object_work(d.dynsym.len() * 24, true),
        InputFile::Internal(_) => object_work(0, true),
    }
}

/// The work of a file of `bytes` bytes: all of them when its sections are read (`linked`), an
/// eighth when only its symbols are; never zero, as every file costs a visit.
pub fn object_work(bytes: usize, linked: bool) -> u64 {
    let read = if linked { bytes } else { bytes / 8 };
    read as u64 + 256
}

/// Where `items` is cut into consecutive runs of about equal total `weight`: the run boundaries,
/// from 0 to `items.len()`. One run when there is one thread.
pub fn cuts<T>(items: &[T], weight: impl Fn(&T) -> u64) -> Vec<usize> {
    let threads = rayon::current_num_threads() as u64;
    if threads <= 1 || items.len() <= 1 {
        return vec![0, items.len()];
    }
    let total: u64 = items.iter().map(&weight).sum();
    let per_run = (total / (threads * RUNS_PER_THREAD)).max(1);
    let mut cuts = vec![0];
    let mut acc = 0u64;
    for (i, it) in items.iter().enumerate() {
        acc += weight(it);
        if acc >= per_run && i + 1 < items.len() {
            cuts.push(i + 1);
            acc = 0;
        }
    }
    cuts.push(items.len());
    cuts
}

/// The files with their indices, in parallel, in balanced runs.
pub fn par_files(files: &[InputFile]) -> impl ParallelIterator<Item = (usize, &InputFile)> {
    par_indexed(files, work)
}

/// The files, mutably, with their indices, in parallel, in balanced runs.
pub fn par_files_mut(
    files: &mut [InputFile],
) -> impl ParallelIterator<Item = (usize, &mut InputFile)> {
    par_indexed_mut(files, work)
}

/// `items` with their indices, in parallel, in runs of about equal `weight`.
pub fn par_indexed<T: Sync>(
    items: &[T],
    weight: impl Fn(&T) -> u64,
) -> impl ParallelIterator<Item = (usize, &T)> {
    let cuts = cuts(items, weight);
    let runs: Vec<(usize, &[T])> = cuts
        .windows(2)
        .map(|w| (w[0], &items[w[0]..w[1]]))
        .collect();
    runs.into_par_iter()
        .flat_map_iter(|(start, run)| run.iter().enumerate().map(move |(k, f)| (start + k, f)))
}

/// `items`, mutably, with their indices, in parallel, in runs of about equal `weight`.
pub fn par_indexed_mut<T: Send>(
    items: &mut [T],
    weight: impl Fn(&T) -> u64,
) -> impl ParallelIterator<Item = (usize, &mut T)> {
    let cuts = cuts(items, weight);
    let mut runs: Vec<(usize, &mut [T])> = Vec::with_capacity(cuts.len());
    let mut rest = items;
    for w in cuts.windows(2) {
        let (run, tail) = rest.split_at_mut(w[1] - w[0]);
        runs.push((w[0], run));
        rest = tail;
    }
    runs.into_par_iter()
        .flat_map_iter(|(start, run)| run.iter_mut().enumerate().map(move |(k, f)| (start + k, f)))
}

#[cfg(test)]
mod tests {
    use super::cuts;

    /// Runs cover every item once, in order, and a heavy item does not share a run with the
    /// weight of the light ones behind it.
    #[test]
    fn runs_cover_everything_and_split_by_weight() {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(2)
            .build()
            .unwrap();
        pool.install(|| {
            let mut w = vec![1000u64; 16];
            w.extend(std::iter::repeat_n(1, 800));
            let c = cuts(&w, |&x| x);
            assert_eq!(c.first(), Some(&0));
            assert_eq!(c.last(), Some(&w.len()));
            assert!(c.windows(2).all(|p| p[0] < p[1]));
            // 16 heavy items weigh 16,000 of 16,800: they must be spread over many runs.
            let heavy_runs = c.windows(2).filter(|p| p[0] < 16).count();
            assert!(heavy_runs >= 8, "{c:?}");
            assert_eq!(cuts::<u64>(&[], |&x| x), vec![0, 0]);
        });
        let one = rayon::ThreadPoolBuilder::new()
            .num_threads(1)
            .build()
            .unwrap();
        one.install(|| assert_eq!(cuts(&[5u64, 6, 7], |&x| x), vec![0, 3]));
    }
}
