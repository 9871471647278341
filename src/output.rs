//! The output file: where the image is built and how it replaces what is at the output path.
//!
//! A missing path, a regular file or a symlink is replaced by renaming a new file over it, as GNU ld
//! replaces them (a symlink is replaced, not followed). The new file is created beside the target
//! under an unpredictable name, exclusively (`O_EXCL`, so a planted symlink or file at that name is
//! never written through) and readable only by its owner until it is complete.
//!
//! Anything else that exists at the path (a character device such as `/dev/null`, a FIFO, a block
//! device) is never replaced: the image is built in memory and written to the path in place once it
//! is complete, as lld and mold do. A directory, or a socket, is an error.
//!
//! A failed link removes its temporary file and leaves whatever was at the path untouched.

use crate::error::Result;
use std::fs::File;
use std::io::Write;
use std::os::unix::fs::{FileTypeExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

enum Sink {
    /// A new file beside the target, renamed over it on commit; removed on drop unless committed.
    Rename { tmp: PathBuf, file: File },
    /// The existing output, overwritten in place.
    Reuse { file: File },
    /// The target exists and is not a regular file: the image is in anonymous memory.
    InPlace,
}

pub struct Output {
    target: PathBuf,
    sink: Sink,
    map: memmap2::MmapMut,
    committed: bool,
}

impl Drop for Output {
    fn drop(&mut self) {
        if let Sink::Rename { tmp, .. } = &self.sink
            && !self.committed
        {
            let _ = std::fs::remove_file(tmp);
        }
    }
}

/// Tests set this to make the first temporary name predictable, to check that a file or symlink
/// planted there is never written through.
const FORCED_NAME_VAR: &str = "SOLDER_TEST_TEMP_NAME";

impl Output {
    /// Prepares an image of `size` bytes for `target`.
    /// The file is sized to `size`; `ranges` (start, end) are the parts that will be written, which
    /// are filled with zeros first (see below); the rest stays a sparse hole.
    ///
    /// With `reuse`, an existing output that [`reusable`] accepted is overwritten in place; the
    /// caller must have ruled out every error writing could meet, since the old contents are gone
    /// from here on. Otherwise, or when the file cannot be opened for writing (a running program
    /// gives ETXTBSY), a new file replaces it.
    pub fn create(target: &Path, size: u64, ranges: &[(u64, u64)], reuse: bool) -> Result<Output> {
        let shown = target.display();
        let len = usize::try_from(size)
            .ok()
            .filter(|&n| n as u64 <= isize::MAX as u64)
            .ok_or_else(|| {
                crate::err!("cannot create output file {shown}: {size} bytes is too large")
            })?;
        match std::fs::symlink_metadata(target) {
            Ok(m) if m.is_dir() => {
                crate::bail!("cannot create output file {shown}: it is a directory")
            }
            Ok(m) if m.file_type().is_socket() => {
                crate::bail!("cannot create output file {shown}: it is a socket")
            }
            Ok(m) if !m.is_file() && !m.file_type().is_symlink() => {
                // A device or a FIFO: keep the node, write into it when the image is complete.
                let map = memmap2::MmapMut::map_anon(len.max(1))
                    .map_err(|e| crate::err!("cannot create output file {shown}: {e}"))?;
                return Ok(Output {
                    target: target.to_path_buf(),
                    sink: Sink::InPlace,
                    map,
                    committed: false,
                });
            }
            _ => {}
        }
        if reuse && let Some(file) = open_for_reuse(target, size, ranges) {
            // SAFETY: the file is a regular file with one link, ours, and is not resized while
            // mapped. (Another process mapping it would see the new contents as they are
            // written: so would it with GNU ld's unlink-and-create only if it reopened the path;
            // executables that are running cannot be opened for writing at all.)
            let map = unsafe { memmap2::MmapMut::map_mut(&file) }
                .map_err(|e| crate::err!("cannot map output file {shown}: {e}"))?;
            return Ok(Output {
                target: target.to_path_buf(),
                sink: Sink::Reuse { file },
                map,
                committed: false,
            });
        }
        let (tmp, file) = create_temp(target)?;
        let mut out = Output {
            target: target.to_path_buf(),
            sink: Sink::Rename {
                tmp,
                file: file.try_clone()?,
            },
            map: memmap2::MmapMut::map_anon(1)?,
            committed: false,
        };
        // The file is filled with zeros through write(2) before it is mapped: that makes its page
        // cache in large folios, several times cheaper than the page faults of the parallel write
        // creating it page by page (5 ms of a 13 ms SQLite link). A full disk also shows up here as
        // an error rather than as SIGBUS on a mapped write.
        file.set_len(size)
            .and_then(|()| make_page_cache(&file, ranges))
            .map_err(|e| crate::err!("cannot size output file {shown}: {e}"))?;
        if size > 0 {
            // SAFETY: the file is ours (created exclusively under a fresh name) and is not resized
            // while mapped.
            out.map = unsafe { memmap2::MmapMut::map_mut(&file) }
                .map_err(|e| crate::err!("cannot map output file {shown}: {e}"))?;
        }
        Ok(out)
    }

    /// Whether the image reads as zeros before anything is written (false for an old file
    /// overwritten in place).
    pub fn starts_zeroed(&self) -> bool {
        !matches!(self.sink, Sink::Reuse { .. })
    }

    /// The image, to be written in place.
    pub fn image(&mut self) -> &mut [u8] {
        &mut self.map[..]
    }

    /// Makes the first `size` bytes of the image the output at the target path.
    pub fn commit(mut self, size: u64, executable: bool) -> Result<()> {
        let shown = self.target.display().to_string();
        let map = std::mem::replace(&mut self.map, memmap2::MmapMut::map_anon(1)?);
        let sink = std::mem::replace(&mut self.sink, Sink::InPlace);
        match sink {
            Sink::InPlace => {
                // No O_CREAT: the node must still be there; no O_TRUNC: a device has no length.
                // O_NOFOLLOW: a symlink swapped in since the check is not followed.
                let mut f = std::fs::OpenOptions::new()
                    .write(true)
                    .custom_flags(libc_flags::O_NOFOLLOW)
                    .open(&self.target)
                    .map_err(|e| crate::err!("cannot write output file {shown}: {e}"))?;
                f.write_all(&map[..size as usize])
                    .map_err(|e| crate::err!("cannot write output file {shown}: {e}"))?;
            }
            Sink::Reuse { file } => {
                drop(map);
                finish(&file, size, executable, &shown)?;
            }
            Sink::Rename { tmp, file } => {
                // Committed or not, the temporary name must not be removed on drop once renamed.
                self.sink = Sink::Rename {
                    tmp: tmp.clone(),
                    file: file.try_clone()?,
                };
                drop(map);
                finish(&file, size, executable, &shown)?;
                // Replacing an existing output frees its pages, which the kernel does
                // synchronously when the last reference goes: tens of milliseconds for a large
                // binary, all on the critical path of every relink. Holding the old file open keeps
                // that reference; the final close happens in a short-lived child after this
                // process has exited. The old file is unlinked before the rename because renaming
                // over an existing file makes ext4 start writing the new one back at once (its
                // auto_da_alloc safeguard for programs that do not fsync): milliseconds on the
                // critical path. GNU ld also removes an existing output, though at the start of the
                // link; here it happens only once the new output is complete. A symlink is not
                // opened (that would follow it): the rename replaces the link itself.
                let old = std::fs::symlink_metadata(&self.target)
                    .is_ok_and(|m| m.is_file())
                    .then(|| {
                        std::fs::OpenOptions::new()
                            .read(true)
                            .custom_flags(libc_flags::O_NOFOLLOW)
                            .open(&self.target)
                            .ok()
                    })
                    .flatten();
                if old.is_some() {
                    let _ = std::fs::remove_file(&self.target);
                }
                // No descriptor or mapping of the new file may outlive this: the exit's child would
                // inherit a writable one, and executing the output would fail with ETXTBSY.
                drop(file);
                self.sink = Sink::InPlace;
                if let Err(e) = std::fs::rename(&tmp, &self.target) {
                    let _ = std::fs::remove_file(&tmp);
                    crate::bail!("cannot write output file {shown}: {e}");
                }
                if let Some(old) = old {
                    crate::exit::release_at_exit(old);
                }
            }
        }
        self.committed = true;
        Ok(())
    }
}

/// Whether the existing output at `target` may be overwritten in place rather than replaced: a
/// regular file (not a symlink, which is replaced, as GNU ld does) with no other link (a hard link
/// elsewhere must keep the old contents) and owned by this user.
///
/// Why: replacing the output means allocating all of its page cache afresh, which costs more than
/// the rest of the write phase for a large program (on a VM whose freed memory is returned to the
/// host, each new page is a fault to the hypervisor), while overwriting reuses the pages the last
/// link left in memory.
pub fn reusable(target: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    std::fs::symlink_metadata(target)
        .is_ok_and(|m| m.is_file() && m.nlink() == 1 && m.uid() == euid())
}

/// Opens the existing output for overwriting, sized to `size`, with every byte of `ranges` zero
/// and the rest a hole, or None when it cannot be (the caller then creates a new file).
fn open_for_reuse(target: &Path, size: u64, ranges: &[(u64, u64)]) -> Option<File> {
    use std::os::fd::AsRawFd;
    use std::os::unix::fs::MetadataExt;
    // No O_CREAT or O_TRUNC: it must be the file just checked, and truncating would free its
    // pages. O_NOFOLLOW: a symlink swapped in since is not followed. A running executable fails
    // here with ETXTBSY.
    let file = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .custom_flags(libc_flags::O_NOFOLLOW)
        .open(target)
        .ok()?;
    let m = file.metadata().ok()?;
    if !m.is_file() || m.nlink() != 1 || m.uid() != euid() {
        return None;
    }
    unsafe extern "C" {
        fn fallocate(fd: i32, mode: i32, offset: i64, len: i64) -> i32;
        fn flock(fd: i32, op: i32) -> i32;
    }
    const LOCK_EX: i32 = 2;
    // Two links into the same output at once must not interleave their writes: the second waits
    // until the first has closed the file, then overwrites all of it. (Replacing by rename needs
    // no lock: the last rename wins whole.)
    // SAFETY: plain system call on a descriptor we own; released when the file is closed.
    if unsafe { flock(file.as_raw_fd(), LOCK_EX) } != 0 {
        return None;
    }
    const KEEP_SIZE: i32 = 1;
    const PUNCH_HOLE: i32 = 2;
    let fd = file.as_raw_fd();
    // Reserve the blocks first: running out of space must show here, while the old contents are
    // still intact, not as SIGBUS on a mapped write.
    for &(start, end) in ranges {
        // SAFETY: plain system call on a descriptor we own.
        if unsafe { fallocate(fd, KEEP_SIZE, start as i64, (end - start) as i64) } != 0 {
            return None;
        }
    }
    file.set_len(size).ok()?;
    // What has no page cache is written with write(2) first, as a new file is, and gets large
    // folios: what the file grows by, and old contents the cache no longer holds (after a reboot,
    // or under memory pressure). Left to the mapped writes, it would be faulted in page by page
    // (old bytes read from disk only to be overwritten), and the file would keep those small
    // folios for every later link over it: a large program over a small one's output faulted
    // 69,000 times instead of 49,000, `cxx-llvm` over an evicted output 66,000-70,000 instead of
    // 46,000, on that link and each one after.
    fill_with_zeros(&file, &uncached(&file, ranges, m.len())).ok()?;
    // Inside the ranges the old bytes stay: the writer zeroes what it does not overwrite (most
    // of the file is overwritten, so zero-filling it all first would write it twice). What lies
    // between the ranges must read as zero too: give its blocks back.
    let mut prev = 0;
    for &(start, end) in ranges.iter().chain([&(size, size)]) {
        if start > prev {
            // SAFETY: as above.
            let punched = unsafe {
                fallocate(
                    fd,
                    PUNCH_HOLE | KEEP_SIZE,
                    prev as i64,
                    (start - prev) as i64,
                )
            } == 0;
            if !punched {
                fill_with_zeros(&file, &[(prev, start)]).ok()?;
            }
        }
        prev = prev.max(end);
    }
    Some(file)
}

/// The stretches of `ranges`, in runs of [`UNCACHED_RUN`] bytes, that have pages missing from the
/// file's page cache. Where the kernel cannot tell (`cachestat(2)` is Linux 6.5 and later), what
/// lies past `old_len`, the file's length before it was resized, which cannot be cached. One
/// call answers for a range that is all cached, the usual case.
fn uncached(file: &File, ranges: &[(u64, u64)], old_len: u64) -> Vec<(u64, u64)> {
    use std::os::fd::AsRawFd;
    #[repr(C)]
    struct Range {
        off: u64,
        len: u64,
    }
    #[repr(C)]
    #[derive(Default)]
    struct Stat {
        nr_cache: u64,
        nr_dirty: u64,
        nr_writeback: u64,
        nr_evicted: u64,
        nr_recently_evicted: u64,
    }
    unsafe extern "C" {
        fn syscall(n: i64, ...) -> i64;
    }
    // The same number on x86-64 and on the generic table aarch64 uses.
    const SYS_CACHESTAT: i64 = 451;
    const PAGE: u64 = 4096;
    // Whether all of [start, end) is cached (None: the kernel cannot say).
    let cached = |start: u64, end: u64| -> Option<bool> {
        let range = Range {
            off: start,
            len: end - start,
        };
        let mut stat = Stat::default();
        // SAFETY: the structures are the kernel's layout and live across the call.
        let r = unsafe {
            syscall(
                SYS_CACHESTAT,
                file.as_raw_fd() as i64,
                &range as *const Range,
                &mut stat as *mut Stat,
                0i64,
            )
        };
        // Pages the range touches, partial ones at either end included.
        let pages = end.div_ceil(PAGE) - start / PAGE;
        (r == 0).then_some(stat.nr_cache >= pages)
    };
    let mut out = Vec::new();
    for &(start, end) in ranges {
        match cached(start, end) {
            Some(true) => continue,
            None => {
                if end > start.max(old_len) {
                    out.push((start.max(old_len), end));
                }
                continue;
            }
            Some(false) => {}
        }
        let mut at = start;
        while at < end {
            let next = (at + UNCACHED_RUN).min(end);
            if cached(at, next) == Some(false) {
                match out.last_mut() {
                    Some((_, e)) if *e == at => *e = next,
                    _ => out.push((at, next)),
                }
            }
            at = next;
        }
    }
    out
}

/// Gives the parts of a new file that will be written their blocks and their page cache, before
/// they are mapped.
///
/// The blocks are allocated first, in one `fallocate(2)` per range: zero-filling allocated
/// blocks skips the file system's per-block reservation of delayed allocation, which was about
/// a seventh of the fill on ext4 (`cxx-llvm` 25.6 -> 21.6 ms of `pwrite`, plus 0.65 ms of
/// `fallocate`; ripgrep with debug info 11.1 -> 7.9 ms); a full disk also shows at once. On tmpfs
/// `fallocate` itself makes the page cache, zeroed, so nothing is written after it. Where the
/// file system cannot allocate ahead, the zero fill alone does both.
fn make_page_cache(file: &File, ranges: &[(u64, u64)]) -> std::io::Result<()> {
    use std::os::fd::AsRawFd;
    unsafe extern "C" {
        fn fallocate(fd: i32, mode: i32, offset: i64, len: i64) -> i32;
        fn fstatfs(fd: i32, buf: *mut u64) -> i32;
    }
    const KEEP_SIZE: i32 = 1;
    const TMPFS_MAGIC: u64 = 0x0102_1994;
    let fd = file.as_raw_fd();
    let mut allocated = true;
    for &(start, end) in ranges {
        // SAFETY: plain system call on a descriptor we own.
        if unsafe { fallocate(fd, KEEP_SIZE, start as i64, (end - start) as i64) } != 0 {
            let e = std::io::Error::last_os_error();
            if e.raw_os_error() == Some(28) {
                return Err(e);
            }
            allocated = false;
            break;
        }
    }
    // `struct statfs` starts with its 64-bit `f_type`; the buffer is larger than the structure.
    let mut statfs = [0u64; 16];
    // SAFETY: the buffer outlives the call and is larger than `struct statfs`.
    let tmpfs = unsafe { fstatfs(fd, statfs.as_mut_ptr()) } == 0 && statfs[0] == TMPFS_MAGIC;
    if allocated && tmpfs {
        return Ok(());
    }
    fill_with_zeros(file, ranges)
}

/// How finely [`uncached`] looks for missing pages: a run with any page missing is rewritten whole.
const UNCACHED_RUN: u64 = 2 << 20;

fn euid() -> u32 {
    unsafe extern "C" {
        fn geteuid() -> u32;
    }
    // SAFETY: always safe to call.
    unsafe { geteuid() }
}

/// Gives a written output its final size and the mode a new file gets (GNU ld's outputs are new
/// files), whether it is about to be renamed into place or was overwritten there.
fn finish(file: &File, size: u64, executable: bool, shown: &str) -> Result<()> {
    if size != file.metadata()?.len() {
        file.set_len(size)
            .map_err(|e| crate::err!("cannot size output file {shown}: {e}"))?;
    }
    let mode = if executable { 0o777 } else { 0o666 };
    file.set_permissions(std::fs::Permissions::from_mode(mode & !umask()))?;
    Ok(())
}

mod libc_flags {
    pub const O_NOFOLLOW: i32 = 0o400000;
}

/// Creates a new file beside `target` under a name no other user can predict, exclusively and
/// readable only by its owner.
pub fn create_temp(target: &Path) -> Result<(PathBuf, File)> {
    let dir = match target.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let base = target
        .file_name()
        .map(|f| f.to_string_lossy().into_owned())
        .unwrap_or_else(|| "a.out".into());
    let forced = std::env::var_os(FORCED_NAME_VAR);
    let mut last_err = None;
    for attempt in 0..16u32 {
        let name = match (&forced, attempt) {
            (Some(f), 0) => PathBuf::from(f),
            _ => PathBuf::from(format!(".{base}.solder-{:016x}", random_u64(attempt))),
        };
        let tmp = dir.join(name);
        match std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .create_new(true)
            .mode(0o600)
            .custom_flags(libc_flags::O_NOFOLLOW)
            .open(&tmp)
        {
            Ok(f) => return Ok((tmp, f)),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => last_err = Some(e),
            Err(e) => {
                crate::bail!("cannot create output file {}: {e}", target.display())
            }
        }
    }
    let e = last_err.map_or_else(String::new, |e| e.to_string());
    crate::bail!(
        "cannot create output file {}: no free temporary name beside it ({e})",
        target.display()
    )
}

/// 64 bits no other process can predict: std's hasher keys come from the kernel's random source.
fn random_u64(salt: u32) -> u64 {
    use std::hash::{BuildHasher, Hasher};
    let mut h = std::hash::RandomState::new().build_hasher();
    h.write_u32(salt);
    h.write_u32(std::process::id());
    if let Ok(t) = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH) {
        h.write_u128(t.as_nanos());
    }
    h.finish()
}

fn fill_with_zeros(file: &File, ranges: &[(u64, u64)]) -> std::io::Result<()> {
    use std::os::unix::fs::FileExt;
    const CHUNK: u64 = 1 << 20;
    // Never written, so the kernel reads it from the shared zero page: no memory is touched.
    let zeros = memmap2::MmapMut::map_anon(CHUNK as usize)?;
    // One thread: buffered writes to one file hold its inode lock, so more would only spin.
    for &(start, end) in ranges {
        let mut off = start;
        while off < end {
            let n = (end - off).min(CHUNK);
            file.write_all_at(&zeros[..n as usize], off)?;
            off += n;
        }
    }
    Ok(())
}

fn umask() -> u32 {
    // Reading the umask means setting it; set it back at once. Single call, before threads write.
    unsafe extern "C" {
        fn umask(mask: u32) -> u32;
    }
    // SAFETY: umask is always safe to call.
    let old = unsafe { umask(0o022) };
    unsafe { umask(old) };
    old
}
