//! `.note.gnu.property`: the program properties of every input, merged into one note, as GNU ld
//! does. A property in an AND range (e.g. x86 IBT/SHSTK) survives only if every input has it; one in
//! an OR range (e.g. the x86 ISA level needed) if any input has it; one in an OR-AND range (e.g. the
//! ISA level used) is OR-ed but only kept if every input has it.

use crate::context::Link;
use crate::elf::*;
use rayon::prelude::*;
use std::collections::BTreeMap;

const NT_GNU_PROPERTY_TYPE_0: u32 = 5;

#[derive(Clone, Copy, PartialEq, Debug)]
enum Rule {
    And,
    Or,
    OrAnd,
}

fn rule(pr_type: u32) -> Option<Rule> {
    match pr_type {
        0xb000_0000..=0xb000_7fff | 0xc000_0000..=0xc000_7fff => Some(Rule::And),
        0xb000_8000..=0xb000_ffff | 0xc000_8000..=0xc000_ffff => Some(Rule::Or),
        0xc001_0000..=0xc001_7fff => Some(Rule::OrAnd),
        _ => None,
    }
}

/// Reads the 4-byte properties of one `.note.gnu.property` section.
fn read_properties(data: &[u8], out: &mut BTreeMap<u32, u32>) {
    let mut pos = 0usize;
    while pos + 12 <= data.len() {
        let namesz = get_u32(data, pos) as usize;
        let descsz = get_u32(data, pos + 4) as usize;
        let ty = get_u32(data, pos + 8);
        let desc = pos + 12 + align_to(namesz as u64, 4) as usize;
        let end = desc + descsz;
        if end > data.len() {
            return;
        }
        if ty == NT_GNU_PROPERTY_TYPE_0 && data[pos + 12..].starts_with(b"GNU\0") {
            let mut p = desc;
            while p + 8 <= end {
                let pr_type = get_u32(data, p);
                let size = get_u32(data, p + 4) as usize;
                if p + 8 + size > end {
                    break;
                }
                if size == 4 {
                    *out.entry(pr_type).or_insert(0) |= get_u32(data, p + 8);
                }
                p += 8 + align_to(size as u64, 8) as usize;
            }
        }
        pos = align_to(end as u64, 8) as usize;
    }
}

/// The merged note's bytes, or nothing if no property survives.
pub fn merge_gnu_properties(link: &Link) -> Vec<u8> {
    // Each object's properties are read in parallel: finding its notes means looking at all of
    // its sections (660,000 on a large link).
    let per_object: Vec<BTreeMap<u32, u32>> = link
        .par_live_objects()
        .map(|o| {
            let mut props = BTreeMap::new();
            for (i, s) in o.sections.iter().enumerate() {
                if s.sh_type == SHT_NOTE && o.sec_name(i) == b".note.gnu.property" {
                    read_properties(o.sec_data(i), &mut props);
                }
            }
            props
        })
        .collect();
    let objects = per_object.len();
    let mut merged: BTreeMap<u32, (u32, usize)> = BTreeMap::new();
    for props in per_object {
        for (ty, v) in props {
            let Some(r) = rule(ty) else { continue };
            let e = merged
                .entry(ty)
                .or_insert((if r == Rule::And { u32::MAX } else { 0 }, 0));
            e.0 = if r == Rule::And { e.0 & v } else { e.0 | v };
            e.1 += 1;
        }
    }
    let props: Vec<(u32, u32)> = merged
        .into_iter()
        .filter(|&(ty, (v, n))| {
            let everywhere = n == objects;
            v != 0
                && match rule(ty) {
                    Some(Rule::Or) => true,
                    Some(Rule::And) | Some(Rule::OrAnd) => everywhere,
                    None => false,
                }
        })
        .map(|(ty, (v, _))| (ty, v))
        .collect();
    if props.is_empty() {
        return Vec::new();
    }
    let mut note = vec![0u8; 16 + 16 * props.len()];
    put_u32(&mut note, 0, 4);
    put_u32(&mut note, 4, 16 * props.len() as u32);
    put_u32(&mut note, 8, NT_GNU_PROPERTY_TYPE_0);
    note[12..16].copy_from_slice(b"GNU\0");
    for (i, (ty, v)) in props.iter().enumerate() {
        let p = 16 + 16 * i;
        put_u32(&mut note, p, *ty);
        put_u32(&mut note, p + 4, 4);
        put_u32(&mut note, p + 8, *v);
    }
    note
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_one_property() {
        // A note as crt1.o carries it: x86 ISA needed = baseline.
        let mut n = vec![0u8; 32];
        put_u32(&mut n, 0, 4);
        put_u32(&mut n, 4, 16);
        put_u32(&mut n, 8, NT_GNU_PROPERTY_TYPE_0);
        n[12..16].copy_from_slice(b"GNU\0");
        put_u32(&mut n, 16, 0xc000_8002);
        put_u32(&mut n, 20, 4);
        put_u32(&mut n, 24, 1);
        let mut m = BTreeMap::new();
        read_properties(&n, &mut m);
        assert_eq!(m.get(&0xc000_8002), Some(&1));
        assert_eq!(rule(0xc000_8002), Some(Rule::Or));
        assert_eq!(rule(0xc000_0002), Some(Rule::And));
    }
}
