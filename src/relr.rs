//! `-z pack-relative-relocs`: relative relocations as `.relr.dyn` (`DT_RELR`), a list of places
//! encoded as addresses and bitmaps instead of 24-byte `.rela.dyn` entries: a PIE's relative
//! relocations shrink by an order of magnitude, and the loader reads that much less.
//!
//! Encoding (the gABI's): an even word is the address of a place, and the next place is the word
//! after it; an odd word is a bitmap of the 63 words that follow the place it continues from (bit
//! `i` set: relocate the word at `base + 8 * (i - 1)`), after which `base` moves 63 words on.
//!
//! Which relocations are packed is decided during scanning (`reloc::packed_place`), independent of
//! addresses; but the encoding depends on the places' addresses and the section's size moves what
//! follows it, so layout is repeated until the size settles. The size only grows from one round to
//! the next (a shorter encoding is padded with empty bitmaps, which relocate nothing), so this ends.

use crate::context::{InputFile, Link};

const BITS: u64 = 63;

/// The places to relocate, sorted: packed input-section relocations and the GOT's relative words.
fn places(link: &Link) -> Vec<u64> {
    let lay = &link.layout;
    let sy = &link.synth;
    let mut v: Vec<u64> = sy
        .packed
        .iter()
        .map(|&(file, shndx, off)| {
            let InputFile::Object(o) = &link.files[file as usize] else {
                unreachable!("packed relocations come from objects")
            };
            let s = &o.sections[shndx as usize];
            lay.sections[s.out as usize].addr + s.offset + off
        })
        .collect();
    for g in &sy.got {
        let entry = crate::synth::got_entry(link, g);
        for (w, (_, rel)) in entry.into_iter().enumerate().take(g.kind.words()) {
            if rel.is_some_and(|r| crate::synth::packed_got_rel(link, r.1)) {
                v.push(lay.got_addr + 8 * (g.word as u64 + w as u64));
            }
        }
    }
    v.sort_unstable();
    v.dedup();
    v
}

/// Encodes sorted, word-aligned places.
pub fn encode(places: &[u64]) -> Vec<u64> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < places.len() {
        let start = places[i];
        out.push(start);
        i += 1;
        // The words after `base` that bitmaps can still reach.
        let mut base = start + 8;
        loop {
            let mut bitmap = 0u64;
            while i < places.len() && places[i] >= base && places[i] < base + 8 * BITS {
                bitmap |= 1 << ((places[i] - base) / 8);
                i += 1;
            }
            if bitmap == 0 {
                break;
            }
            out.push((bitmap << 1) | 1);
            base += 8 * BITS;
        }
    }
    out
}

/// Encodes `.relr.dyn` for the current layout, laying out again while its size grows.
pub fn settle(link: &mut Link) {
    let idx = link.layout.idx.relr;
    if idx == crate::object::NONE {
        return;
    }
    loop {
        let mut words = encode(&places(link));
        let have = link.layout.sections[idx as usize].size;
        let need = words.len() as u64 * 8;
        if need <= have {
            // An empty bitmap moves past words no place is in: it relocates nothing.
            words.resize((have / 8) as usize, 1);
            link.synth.relr = words;
            return;
        }
        link.layout.sections[idx as usize].size = need;
        crate::layout::assign_addresses(link);
    }
}

#[cfg(test)]
mod tests {
    use super::encode;

    #[test]
    fn addresses_and_bitmaps() {
        assert_eq!(encode(&[]), Vec::<u64>::new());
        assert_eq!(encode(&[0x1000]), vec![0x1000]);
        // The next word and the one after it: one bitmap with bits 0 and 1.
        assert_eq!(encode(&[0x1000, 0x1008, 0x1010]), vec![0x1000, 0b111]);
        // 63 words on is the last a first bitmap reaches; the word after needs a second one.
        let last = 0x1000 + 8 * 63;
        assert_eq!(encode(&[0x1000, last]), vec![0x1000, (1 << 63) | 1]);
        assert_eq!(
            encode(&[0x1000, 0x1008, last + 8]),
            vec![0x1000, 0b11, 0b11]
        );
        // A bitmap that would be empty ends the run: a new address instead.
        assert_eq!(encode(&[0x1000, last + 8]), vec![0x1000, last + 8]);
        // Past a gap no bitmap covers, a new address.
        assert_eq!(encode(&[0x1000, 0x9000]), vec![0x1000, 0x9000]);
    }
}
